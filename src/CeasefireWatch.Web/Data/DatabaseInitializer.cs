using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Web.Data;

/// <summary>
/// Runs before anything else starts: creates and migrates the database (SQLite: switches it to WAL; PostgreSQL: one
/// instance at a time), and brings the reference tables in line with <c>seeds/</c>. Registered as the first hosted service,
/// so the escalation engine never sees an unmigrated database.
/// </summary>
internal sealed partial class DatabaseInitializer(IServiceScopeFactory scopes, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (scope.ServiceProvider.GetRequiredService<DatabaseSetup>().IsPostgres)
        {
            await MigratePostgresAsync(db, cancellationToken);
        }
        else
        {
            EnsureDataFolder(db.Database.GetConnectionString());
            // On an existing, current database (every start but the first after an upgrade) there is nothing to apply.
            // MigrateAsync would build the model snapshot and diff it against the model on every start, and even EF Core's
            // GetPendingMigrationsAsync builds a model of its history table first: both a large part of a cold start
            // (docs/performance.md). The history table is read here as the plain table it is.
            var migrating = await HasPendingMigrationsAsync(db, cancellationToken);
            if (migrating)
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            // Re-seeding is a delete, an insert and a SaveChanges of its own (half a second of a cold start), so it runs
            // only when the embedded seeds differ from those last written, or a migration ran (it may have rebuilt a
            // table). SQLite's user_version holds the seeds' fingerprint; EF Core does not use it.
            var fingerprint = SeedData.Fingerprint();
            if (migrating || Convert.ToInt32(await SqlitePragmaAsync(db, "PRAGMA user_version;", cancellationToken), System.Globalization.CultureInfo.InvariantCulture) != fingerprint)
            {
                await SeedReferenceDataAsync(db, SeedData.Load(), cancellationToken);
                await SqlitePragmaAsync(db, $"PRAGMA user_version = {fingerprint};", cancellationToken);
            }
        }

        var dataSource = db.Database.GetDbConnection().DataSource;
        LogReady(dataSource);
    }

    /// <summary>Migrates and seeds one instance at a time (<see cref="StartupLock"/>).</summary>
    internal static async Task MigratePostgresAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        await using var turn = await StartupLock.AcquireAsync(db, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await SeedReferenceDataAsync(db, SeedData.Load(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether this build knows a migration the SQLite database has not applied: EF Core's own history table
    /// (<c>__EFMigrationsHistory</c>, one <c>MigrationId</c> a row), read without building a model of it.
    /// </summary>
    internal static async Task<bool> HasPendingMigrationsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        if (known.Count == 0)
        {
            return false;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory';";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return true;
            }

            command.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\";";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Remove(reader.GetString(0));
            }

            return known.Count > 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A PRAGMA takes no parameters, so it is text (of numbers only, here) run as such.</summary>
    private static async Task<object?> SqlitePragmaAsync(AppDbContext db, string pragma, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = pragma;
            return await command.ExecuteScalarAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void EnsureDataFolder(string? connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>
    /// Replaces the regions and the policy with the seeds (they are the source of truth, edited in git). The coalition
    /// roster is seeded only into an empty table: administrators maintain it, and a restart must not undo them.
    /// </summary>
    private static async Task SeedReferenceDataAsync(AppDbContext db, SeedData seeds, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Regions.ExecuteDeleteAsync(ct);
        await db.PolicyTiers.ExecuteDeleteAsync(ct);
        db.Regions.AddRange(seeds.Regions);
        if (!await db.CoalitionMembers.AnyAsync(ct))
        {
            db.CoalitionMembers.AddRange(seeds.Coalition.Members);
        }

        db.PolicyTiers.AddRange(seeds.Policy.Tiers);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready at {DataSource}")]
    private partial void LogReady(string dataSource);
}
