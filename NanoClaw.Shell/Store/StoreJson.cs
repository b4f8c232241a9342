using System.Text.Json.Serialization;

namespace NanoClaw.Shell.Store;

/// <summary>Source-generated JSON for the store's parameters (the chat list of the multi-chat poll).</summary>
[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class StoreJson : JsonSerializerContext;
