using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// The start-up check reads EF Core's history table as a plain table (EF Core's own check builds a model of it first,
/// a cost on every cold start). It must answer as EF Core does, or an upgrade would start on an unmigrated database.
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class PendingMigrationsTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string path = CeasefireWatchFactory.NewDatabasePath();

    private AppDbContext Open() =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path}").Options);

    [Fact]
    public async Task Agrees_with_ef_core_on_a_new_a_current_and_a_one_behind_database()
    {
        await using var db = Open();

        // A new file: no history table at all.
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.True(await DatabaseInitializer.HasPendingMigrationsAsync(db, Ct));

        await db.Database.MigrateAsync(Ct);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.False(await DatabaseInitializer.HasPendingMigrationsAsync(db, Ct));

        // An older build's database: the newest migration not yet recorded.
        var newest = db.Database.GetMigrations().Last();
        await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {newest}", Ct);
        Assert.Equal([newest], await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.True(await DatabaseInitializer.HasPendingMigrationsAsync(db, Ct));
    }

    [Fact]
    public async Task A_history_row_this_build_does_not_know_is_not_a_pending_migration()
    {
        await using var db = Open();
        await db.Database.MigrateAsync(Ct);

        // A newer build ran on this file and was rolled back: EF Core applies nothing, and neither does the start.
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('99990101000000_FromTheFuture', '10.0.0')", Ct);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.False(await DatabaseInitializer.HasPendingMigrationsAsync(db, Ct));
    }

    public void Dispose() => CeasefireWatchFactory.DeleteDatabase(path);
}
