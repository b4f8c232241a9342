namespace NanoClaw.Shell.Store;

/// <summary>
/// The checksum Evolve records for each embedded migration script (MD5 of its UTF-8 text, upper-case hex), written
/// down here so the open's fast check (<see cref="MigrationCheck"/>) does not hash the scripts at every start: hashing
/// loaded System.Security.Cryptography and OpenSSL (~5 MB of RSS, issue 16) on every CLI command and daemon start.
/// A script missing here, or a stale entry, only sends the open down Evolve's full path (slower, never wrong);
/// <c>MigrationChecksumsTests</c> fails until this table matches the embedded scripts.
/// </summary>
internal static class MigrationChecksums
{
    public static readonly IReadOnlyDictionary<string, string> ByScript = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["V1__nanoclaw_schema.sql"] = "E08847509EC648361B5DF863EF37AC26",
        ["V2__hot_query_indexes.sql"] = "112B92F59EC66ACDD3FC1F0D56BB9647",
        ["V3__outbox.sql"] = "0497CDAF5F522A9516D63595E866032E",
        ["V4__attachments.sql"] = "BF87ABFD81FD37F44F74A839F757B2F0",
        ["V5__usage.sql"] = "C2E1E899235D6672771666BFCD193C6D",
        ["V6__outbox_files.sql"] = "F3A9DF6A28859CEAB5AD62EED1E66F3C",
        ["V7__addresses_assistant.sql"] = "BE1E387DAD4E9A6C4AD5A4BCED3E8C0A",
        ["V8__proxy_usage.sql"] = "F7E4E4FE33815635DBCD7781C0BEBD31",
        ["V9__outbox_given_up.sql"] = "3656460FDF35680AEF5DC67FD62EAE90",
        ["V10__drop_timestamp_index.sql"] = "80D1C78C711CD371DD42846C99029B01",
    };
}
