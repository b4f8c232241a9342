using Dapper;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.Store.Repositories;

/// <summary>The <c>sessions</c> table: each group folder's current Claude session id.</summary>
public sealed class SessionRepository
{
    private readonly StoreConnections db;

    internal SessionRepository(StoreConnections db) => this.db = db;

    public Option<string> Get(string groupFolder)
    {
        using var c = db.Open();
        return Optional(c.QueryFirstOrDefault<string?>("SELECT session_id FROM sessions WHERE group_folder = @groupFolder", new { groupFolder }));
    }

    public void Set(string groupFolder, string sessionId)
    {
        using var c = db.Open();
        c.Execute("INSERT OR REPLACE INTO sessions (group_folder, session_id) VALUES (@groupFolder, @sessionId)", new { groupFolder, sessionId });
    }

    public void Delete(string groupFolder)
    {
        using var c = db.Open();
        c.Execute("DELETE FROM sessions WHERE group_folder = @groupFolder", new { groupFolder });
    }

    public Map<string, string> All()
    {
        using var c = db.Open();
        return toMap(c.Query<(string, string)>("SELECT group_folder, session_id FROM sessions"));
    }
}
