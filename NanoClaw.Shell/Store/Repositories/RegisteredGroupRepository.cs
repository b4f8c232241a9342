using Dapper;
using LanguageExt;
using Microsoft.Data.Sqlite;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Groups;
using Serilog;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>The <c>registered_groups</c> table: the chats the assistant serves.</summary>
public sealed class RegisteredGroupRepository
{
    private const string Columns = "jid, name, folder, trigger_pattern, added_at, container_config, requires_trigger, is_main";

    private readonly StoreConnections db;
    private readonly ILogger log;

    internal RegisteredGroupRepository(StoreConnections db, ILogger log)
    {
        this.db = db;
        this.log = log;
    }

    /// <summary>
    /// Every registered group with a valid folder; a row with an invalid folder is skipped with a warning (it stays in
    /// the table). Of groups whose folders differ only in case (possible only in a database from before folders were
    /// unique regardless of case, reported at boot by <see cref="FolderCollisions"/>), only the first registered is
    /// served: on a case-insensitive file system they would share one directory, and so one identity.
    /// </summary>
    public Seq<RegisteredGroup> All()
    {
        using var c = db.Open();
        var seen = new System.Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return c.Query<GroupRow>($"SELECT {Columns} FROM registered_groups ORDER BY added_at, jid")
            .Select(ToGroup).Somes().Where(g => seen.Add(g.Folder)).ToSeq().Strict();
    }

    /// <summary>Pairs of registered groups whose folders are equal regardless of case (first registered first).</summary>
    public Seq<(RegisteredGroup Kept, RegisteredGroup Shadowed)> FolderCollisions()
    {
        using var c = db.Open();
        var groups = c.Query<GroupRow>($"SELECT {Columns} FROM registered_groups ORDER BY added_at, jid").Select(ToGroup).Somes().ToList();
        return groups.SelectMany((g, i) => groups.Skip(i + 1).Where(o => GroupFolder.SameFolder(g.Folder, o.Folder)).Select(o => (g, o)))
            .ToSeq().Strict();
    }

    public Option<RegisteredGroup> Get(string jid)
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<GroupRow?>($"SELECT {Columns} FROM registered_groups WHERE jid = @jid", new { jid }))
            .Bind(ToGroup);
    }

    /// <summary>
    /// Registers or updates a group. Refused when the folder is invalid or already used by another chat, in any case
    /// (the <c>folder COLLATE NOCASE</c> unique index holds it; the check here names the other chat).
    /// </summary>
    public Either<string, Unit> Upsert(RegisteredGroup group) =>
        GroupFolder.Validate(group.Folder).Bind(_ =>
        {
            using var c = db.Open();
            if (OwnerOfFolder(c, group) is { } owner) return Left<string, Unit>(GroupFolder.FolderTaken(group.Folder, owner));
            try
            {
                c.Execute($"""
                    INSERT INTO registered_groups ({Columns}) VALUES (@jid, @name, @folder, @trigger, @addedAt, @config, @requiresTrigger, @isMain)
                    ON CONFLICT(jid) DO UPDATE SET name = excluded.name, folder = excluded.folder, trigger_pattern = excluded.trigger_pattern,
                      added_at = excluded.added_at, container_config = excluded.container_config,
                      requires_trigger = excluded.requires_trigger, is_main = excluded.is_main
                    """,
                    new
                    {
                        jid = group.Jid,
                        name = group.Name,
                        folder = group.Folder,
                        trigger = group.Trigger,
                        addedAt = group.AddedAt,
                        config = group.ContainerConfig.Map(ContainerConfigJson.Serialize).MatchUnsafe(v => v, () => null),
                        requiresTrigger = group.RequiresTrigger ? 1 : 0,
                        isMain = group.IsMain ? 1 : 0,
                    });
                return Right<string, Unit>(unit);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: a concurrent registration took the folder
            {
                return Left<string, Unit>($"folder '{group.Folder}' is already used by another group; folders are unique regardless of case");
            }
        });

    private RegisteredGroup? OwnerOfFolder(SqliteConnection c, RegisteredGroup group) =>
        c.Query<GroupRow>($"SELECT {Columns} FROM registered_groups WHERE folder = @folder COLLATE NOCASE AND jid <> @jid LIMIT 1",
                new { folder = group.Folder, jid = group.Jid })
            .Select(r => new RegisteredGroup(r.jid, r.name ?? r.jid, r.folder ?? "", r.trigger_pattern ?? "", r.added_at ?? "", None,
                r.requires_trigger is null || r.requires_trigger == 1, r.is_main == 1))
            .FirstOrDefault();

    /// <summary>Removes a group; true when it existed.</summary>
    public bool Remove(string jid)
    {
        using var c = db.Open();
        return c.Execute("DELETE FROM registered_groups WHERE jid = @jid", new { jid }) > 0;
    }

    private Option<RegisteredGroup> ToGroup(GroupRow r)
    {
        if (GroupFolder.Validate(r.folder).IsLeft)
        {
            log.Warning("Skipping registered group {Jid} with invalid folder {Folder}", r.jid, r.folder);
            return None;
        }
        var config = Optional(r.container_config).Filter(s => s.Trim().Length > 0).Bind(json =>
            ContainerConfigJson.Parse(json).Match(
                Right: Some,
                Left: reason =>
                {
                    // The stored text stays in the table; the group runs with default container settings.
                    log.Warning("Registered group {Jid}: ignoring unreadable container_config ({Reason})", r.jid, reason);
                    return Option<ContainerConfig>.None;
                }));
        return new RegisteredGroup(
            r.jid,
            r.name ?? r.jid,
            r.folder!,
            r.trigger_pattern ?? "",
            r.added_at ?? "",
            config,
            r.requires_trigger is null || r.requires_trigger == 1,
            r.is_main == 1);
    }

#pragma warning disable IDE1006 // Dapper maps columns by name.
    private sealed class GroupRow
    {
        public string jid { get; set; } = "";
        public string? name { get; set; }
        public string? folder { get; set; }
        public string? trigger_pattern { get; set; }
        public string? added_at { get; set; }
        public string? container_config { get; set; }
        public long? requires_trigger { get; set; }
        public long? is_main { get; set; }
    }
#pragma warning restore IDE1006
}
