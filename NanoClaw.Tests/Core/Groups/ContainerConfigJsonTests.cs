using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using static LanguageExt.Prelude;

namespace NanoClaw.Tests.Core.Groups;

public class ContainerConfigJsonTests
{
    [Fact]
    public void Reads_the_stored_typescript_form_with_defaults()
    {
        var config = ContainerConfigJson.Parse("""{"additionalMounts":[{"hostPath":"~/code","containerPath":"code"},{"hostPath":"/data","readonly":false}]}""");
        Assert.Equal(
            new ContainerConfig(Seq(new AdditionalMount("~/code", Some("code"), true), new AdditionalMount("/data", None, false)), None),
            config);
    }

    [Fact]
    public void An_empty_object_is_an_empty_config() =>
        Assert.Equal(new ContainerConfig(LanguageExt.Seq<AdditionalMount>.Empty, None), ContainerConfigJson.Parse("{}"));

    [Fact]
    public void Writes_compact_json_with_explicit_readonly()
    {
        var config = new ContainerConfig(Seq1(new AdditionalMount("/srv/docs", None, true)), Some(300000));
        Assert.Equal("""{"additionalMounts":[{"hostPath":"/srv/docs","readonly":true}],"timeout":300000}""", ContainerConfigJson.Serialize(config));
    }

    [Theory]
    [InlineData("not json", "invalid JSON: ")]
    [InlineData("[]", "file must hold a JSON object")]
    [InlineData("{\"additionalMounts\":\"/x\"}", "'containerConfig.additionalMounts' must be an array")]
    [InlineData("{\"additionalMounts\":[5]}", "'containerConfig.additionalMounts[0]' must be an object")]
    [InlineData("{\"additionalMounts\":[{\"hostPath\":\"/a\"},{\"hostPath\":\"/b\",\"readonly\":\"yes\"}]}", "containerConfig.additionalMounts[1]: 'readonly' must be true or false")]
    [InlineData("{\"timeout\":\"10\"}", "'containerConfig.timeout' must be a positive whole number of milliseconds")]
    [InlineData("{\"timeout\":0}", "'containerConfig.timeout' must be a positive whole number of milliseconds")]
    public void Bad_config_gives_a_reason(string json, string reason) =>
        Assert.StartsWith(reason, ContainerConfigJson.Parse(json).Match(c => $"parsed {c}", r => r));
}
