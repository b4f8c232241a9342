namespace NanoClaw.Shell.Config;

/// <summary>Every key <c>config.yml</c> and <c>credentials.yml</c> may hold (SPEC §2 plus the C# additions).</summary>
public static class ConfigKeys
{
    /// <summary>Section → keys of <c>config.yml</c>. Top-level scalar keys have no section and map to an empty key set.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Sections = new Dictionary<string, string[]>
    {
        ["assistant"] = ["name", "has_own_number"],
        ["timing"] = ["poll_interval_ms", "scheduler_poll_interval_ms", "idle_timeout_ms", "ipc_poll_interval_ms"],
        ["container"] = ["runtime", "image", "timeout_ms", "max_output_size_bytes", "max_concurrent", "credential_proxy", "network",
            "memory", "pids_limit", "cpus", "read_only_root", "drop_capabilities", "no_new_privileges", "max_run_ms", "agent_uid",
            "proxy_transport", "proxy_listen", "proxy_host_from_container"],
        ["paths"] = ["store_dir", "groups_dir", "data_dir"],
        ["logging"] = ["level", "file"],
        ["channels"] = ["whatsapp", "local_chat", "telegram", "telegram_api_base_url", "telegram_poll_timeout_s"],
        ["tasks"] = ["min_interval_ms", "max_active_per_group"],
        ["media"] = ["max_file_mb", "max_mb_per_group_per_day", "transcription_url", "transcription_model", "max_send_mb"],
    };

    /// <summary>Top-level keys that hold a value rather than a section.</summary>
    public static readonly string[] TopLevel = ["timezone"];

    /// <summary>Keys of <c>credentials.yml</c> (all top level).</summary>
    public static readonly string[] Credentials = ["anthropic_api_key", "claude_code_oauth_token", "anthropic_base_url", "anthropic_auth_token",
        "transcription_api_key", "telegram_bot_token"];

    public static bool IsKnown(string dottedKey)
    {
        var dot = dottedKey.IndexOf('.');
        return dot < 0
            ? TopLevel.Contains(dottedKey)
            : Sections.TryGetValue(dottedKey[..dot], out var keys) && keys.Contains(dottedKey[(dot + 1)..]);
    }

    public static string KnownSectionsText => string.Join(", ", Sections.Keys.Concat(TopLevel));
}
