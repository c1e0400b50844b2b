namespace SecureMonitor.Storage;

/// <summary>
/// One forward-only schema step of an implementation (its SQL is that database's dialect). Versions are
/// consecutive from 1; a shipped migration is never edited, only followed by a new one.
/// </summary>
internal sealed record SchemaMigration(int Version, string Description, string Sql)
{
    /// <summary>Throws unless the list is numbered 1, 2, 3, ... in order.</summary>
    public static void CheckNumbering(IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1) throw new ArgumentException("Migrations must be numbered 1, 2, 3, ... in order.", nameof(migrations));
        }
    }
}
