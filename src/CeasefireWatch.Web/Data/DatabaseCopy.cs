using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// <c>dotnet run --project src/CeasefireWatch.Web -- copy-to-postgres --from "Data Source=…db" --to "Host=…;Database=…"</c>:
/// moves an existing SQLite database to PostgreSQL. The source is first migrated to the current schema (as the app
/// would at start); the target, which must be an empty database, gets the PostgreSQL migrations; then every row of
/// every table of the model is copied through EF Core, parents before children, keys kept, in one transaction; the
/// identity sequences are moved past the copied keys; and each table's row count is compared. Nothing is written to
/// the target unless all of it is. Stop the app first: rows written to SQLite during the copy would not be copied.
/// </summary>
public static class DatabaseCopy
{
    public const string Command = "copy-to-postgres";

    private const int ChunkSize = 1000;

    private static readonly MethodInfo CopyTableMethod =
        typeof(DatabaseCopy).GetMethod(nameof(CopyTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    public const string Usage =
        "Usage: copy-to-postgres --from \"Data Source=path/to/ceasefirewatch.db\" --to \"Host=…;Database=…;Username=…;Password=…\"";

    /// <summary>Runs the command with its arguments (those after <c>copy-to-postgres</c>); returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken = default)
    {
        string? from = null, to = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--from" when i + 1 < args.Count:
                    from = args[++i];
                    break;
                case "--to" when i + 1 < args.Count:
                    to = args[++i];
                    break;
                default:
                    await output.WriteLineAsync($"Unknown argument '{args[i]}'.\n{Usage}");
                    return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var counts = await CopyAsync(from, to, cancellationToken);
            foreach (var (table, count) in counts)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{table,-28} {count,9} rows"));
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Copied {counts.Sum(c => c.Rows)} rows in {counts.Count} tables; every table's count matches."));
            return 0;
        }
        catch (CopyRefusedException ex)
        {
            await output.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    /// <summary>Copies every row; returns each table with the rows now in it on both sides.</summary>
    public static async Task<List<(string Table, long Rows)>> CopyAsync(string sqliteConnectionString, string postgresConnectionString, CancellationToken cancellationToken)
    {
        if (!File.Exists(new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource))
        {
            throw new CopyRefusedException($"No SQLite database at '{new SqliteConnectionStringBuilder(sqliteConnectionString).DataSource}'.");
        }

        await using var source = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite(sqliteConnectionString)
            .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug)))
            .Options);
        await using var target = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>()
            .UseNpgsql(postgresConnectionString, npgsql => npgsql.CommandTimeout(600))
            .Options);

        await source.Database.MigrateAsync(cancellationToken);
        await using (await StartupLock.AcquireAsync(target, cancellationToken))
        {
            await target.Database.MigrateAsync(cancellationToken);
        }

        var tables = TablesInInsertOrder(target.Model);
        foreach (var entityType in tables)
        {
            if (await CountAsync(target, entityType, cancellationToken) > 0)
            {
                throw new CopyRefusedException(
                    $"The target database is not empty ({entityType.GetTableName()} has rows): copy into a new, empty database, then start the app on it.");
            }
        }

        await using (var transaction = await target.Database.BeginTransactionAsync(cancellationToken))
        {
            foreach (var entityType in tables)
            {
                await (Task)CopyTableMethod.MakeGenericMethod(entityType.ClrType).Invoke(null, [source, target, cancellationToken])!;
            }

            await ResetIdentitySequencesAsync(target, tables, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var counts = new List<(string, long)>();
        foreach (var entityType in tables)
        {
            var copied = await CountAsync(target, entityType, cancellationToken);
            var original = await CountAsync(source, source.Model.FindEntityType(entityType.ClrType)!, cancellationToken);
            if (copied != original)
            {
                throw new CopyRefusedException($"{entityType.GetTableName()}: {original} rows in SQLite but {copied} in PostgreSQL.");
            }

            counts.Add((entityType.GetTableName()!, copied));
        }

        return counts;
    }

    /// <summary>The model's tables, each after every table it refers to (a table that refers to itself is loaded whole first).</summary>
    internal static List<IEntityType> TablesInInsertOrder(IModel model)
    {
        var types = model.GetEntityTypes().Where(t => t.GetTableName() is not null && !t.IsOwned() && t.FindPrimaryKey() is not null).ToList();
        var ordered = new List<IEntityType>();
        var placed = new HashSet<IEntityType>();
        while (ordered.Count < types.Count)
        {
            var ready = types.Where(t => !placed.Contains(t) && t.GetForeignKeys()
                .All(fk => fk.PrincipalEntityType == t || placed.Contains(fk.PrincipalEntityType))).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException("The model's foreign keys form a cycle; the copy cannot order its tables.");
            }

            ordered.AddRange(ready.OrderBy(t => t.GetTableName(), StringComparer.Ordinal));
            placed.UnionWith(ready);
        }

        return ordered;
    }

    private static async Task CopyTableAsync<T>(AppDbContext source, AppDbContext target, CancellationToken cancellationToken)
        where T : class
    {
        var entityType = source.Model.FindEntityType(typeof(T))!;
        if (entityType.GetProperties().FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new InvalidOperationException($"{typeof(T).Name}.{shadow.Name} is a shadow property; the copy reads CLR members only.");
        }

        // A table that refers to itself (a row pointing at another of its rows) is inserted in key order.
        var rows = await source.Set<T>().AsNoTracking().ToListAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(ChunkSize))
        {
            target.Set<T>().AddRange(chunk);
            await target.SaveChangesAsync(cancellationToken);
            target.ChangeTracker.Clear();
        }
    }

    /// <summary>Moves each identity column's sequence past the largest copied key, so the next insert gets a fresh one.</summary>
    private static async Task ResetIdentitySequencesAsync(AppDbContext target, List<IEntityType> tables, CancellationToken cancellationToken)
    {
        foreach (var entityType in tables)
        {
            if (entityType.FindPrimaryKey()!.Properties is not [var key]
                || key.ValueGenerated != ValueGenerated.OnAdd
                || (key.ClrType != typeof(int) && key.ClrType != typeof(long)))
            {
                continue;
            }

            var table = entityType.GetTableName()!.Replace("\"", "\"\"", StringComparison.Ordinal);
            var column = key.GetColumnName().Replace("\"", "\"\"", StringComparison.Ordinal);
            var sequenceOf = NpgsqlQuote($"\"{table}\"");
            var sql = $"SELECT setval(pg_get_serial_sequence({sequenceOf}, {NpgsqlQuote(column)}), COALESCE(MAX(\"{column}\"), 0) + 1, false) FROM \"{table}\"";
            await target.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        }
    }

    private static string NpgsqlQuote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task<long> CountAsync(AppDbContext db, IEntityType entityType, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var wasOpen = connection.State == System.Data.ConnectionState.Open;
        if (!wasOpen)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = $"SELECT COUNT(*) FROM \"{entityType.GetTableName()!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        finally
        {
            if (!wasOpen)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

/// <summary>A reason the copy will not run (or found a difference), for the person running it.</summary>
public sealed class CopyRefusedException(string message) : Exception(message);
