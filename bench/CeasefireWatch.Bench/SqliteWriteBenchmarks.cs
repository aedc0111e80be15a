using BenchmarkDotNet.Attributes;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Bench;

/// <summary>
/// Logging incidents one transaction each, as the API does, on a fresh SQLite file in WAL mode:
/// EF Core with the app's per-connection pragmas (synchronous=NORMAL) and without them (synchronous=FULL,
/// SQLite's default), against a baseline of raw single-row INSERTs with the same pragmas.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class SqliteWriteBenchmarks
{
    private const int Incidents = 500;
    private static readonly EscalationPolicy Policy = new(TimeSpan.FromHours(24), TimeSpan.FromHours(72));
    private static readonly DateTime Now = new(2026, 2, 4, 6, 0, 0, DateTimeKind.Utc);
    private string path = string.Empty;

    [IterationSetup]
    public void CreateDatabase()
    {
        path = Path.Combine(Path.GetTempPath(), $"cw-bench-{Guid.NewGuid():N}.db");
        using var db = Context(withPragmas: true);
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    [IterationCleanup]
    public void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Benchmark(Baseline = true)]
    public async Task RawInsertsWithPragmas()
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
            await pragma.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < Incidents; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = (SqliteTransaction)transaction;
            insert.CommandText =
                "INSERT INTO Incidents (Title, Status, Stage, OccurredAt, NextStageAt, Oblast, Location, ViolationType, Severity, SourceType, Description, CreatedAt, CreatedBy, Version) " +
                "VALUES ($title, 'Active', 'UkrainianForces', $t0, $next, 'Kharkiv', 'Kupiansk', 'Shelling', 'Serious', 'MonitoringDrone', 'Benchmark', $now, 'bench', 1)";
            insert.Parameters.AddWithValue("$title", $"Incident {i}");
            insert.Parameters.AddWithValue("$t0", Now.AddMinutes(-i));
            insert.Parameters.AddWithValue("$next", Now.AddMinutes(-i).AddHours(24));
            insert.Parameters.AddWithValue("$now", Now);
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
    }

    [Benchmark]
    public Task EfCoreWithPragmas() => LogThroughEfCoreAsync(withPragmas: true);

    [Benchmark]
    public Task EfCoreWithoutPragmas() => LogThroughEfCoreAsync(withPragmas: false);

    /// <summary>What the API does per incident: a fresh context, the aggregate, one SaveChanges.</summary>
    private async Task LogThroughEfCoreAsync(bool withPragmas)
    {
        for (var i = 0; i < Incidents; i++)
        {
            await using var db = Context(withPragmas);
            var report = new ReportDetails(Now.AddMinutes(-i), "Kharkiv", "Kupiansk", ViolationType.Shelling, Severity.Serious, SourceType.MonitoringDrone, "Benchmark");
            db.Incidents.Add(Incident.Log($"Incident {i}", report, Now, "bench", Policy));
            await db.SaveChangesAsync();
        }
    }

    private AppDbContext Context(bool withPragmas)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path}");
        if (withPragmas)
        {
            options.AddInterceptors(new SqlitePragmas(SqlitePragmas.DefaultBusyTimeout));
        }

        return new AppDbContext(options.Options);
    }
}
