using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CeasefireWatch.Tests.Data;

/// <summary>
/// What only PostgreSQL has to show: two app instances on one database claiming due incidents without doubling a
/// tier, a read-only server answered like SQLite's read-only file, and <c>copy-to-postgres</c> moving every row of a
/// SQLite database. Skipped (with the reason) where no server is configured; CI configures one and refuses skips.
/// </summary>
public sealed class PostgresTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_on_one_database_running_their_engines_at_once_enter_every_due_tier_exactly_once()
    {
        TestPostgres.RequireServer();
        var path = CeasefireWatchFactory.NewDatabasePath();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CeasefireWatchFactory.StartInstant);
        var first = new CeasefireWatchFactory { Provider = DatabaseProvider.Postgres, DatabasePath = path, KeepDatabase = true, Clock = clock };
        var second = new CeasefireWatchFactory { Provider = DatabaseProvider.Postgres, DatabasePath = path, KeepDatabase = true, Clock = clock };
        try
        {
            using var api = first.CreateApiClient();
            var ids = new List<int>();
            for (var i = 0; i < 250; i++)
            {
                ids.Add((await first.LogIncidentAsync(api, first.Now)).Id);
            }

            _ = second.Services;   // started: its engine runs too

            // Every tier 2 and 3 falls due together; both engines are run at once, twice over, as well as on their own.
            clock.Advance(TimeSpan.FromHours(73));
            await Task.WhenAll(first.Engine.RunDueAsync(Ct), second.Engine.RunDueAsync(Ct), first.Engine.RunDueAsync(Ct), second.Engine.RunDueAsync(Ct));

            // A run returns early when the rest is claimed by another (the hosted engines run too, and one whose batch
            // failed retries only after a while on this fake clock): run them again until nothing is due.
            await CeasefireWatchFactory.WaitUntilAsync(async () =>
            {
                await Task.WhenAll(first.Engine.RunDueAsync(Ct), second.Engine.RunDueAsync(Ct));
                var now = clock.GetUtcNow().UtcDateTime;
                return !await first.WithDbAsync(db => db.Incidents.AnyAsync(i => i.NextStageAt != null && i.NextStageAt <= now, Ct));
            }, TimeSpan.FromSeconds(60), "no incident is due any more");

            var entered = await first.WithDbAsync(db => db.TimelineEntries
                .Where(e => e.Kind == TimelineKind.StageEntered)
                .GroupBy(e => new { e.IncidentId, e.Stage })
                .Select(g => new { g.Key.IncidentId, g.Key.Stage, Count = g.Count(), DueAt = g.Min(e => e.DueAt) })
                .ToListAsync(Ct));
            Assert.Equal(ids.Count * 3, entered.Count);
            Assert.All(entered, e => Assert.Equal(1, e.Count));
            var t0 = CeasefireWatchFactory.StartInstant.UtcDateTime;
            Assert.All(entered.Where(e => e.Stage == Stage.Coalition), e => Assert.Equal(t0.AddHours(24), e.DueAt));
            Assert.All(entered.Where(e => e.Stage == Stage.UsBackstop), e => Assert.Equal(t0.AddHours(72), e.DueAt));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            TestPostgres.DropDatabase(TestPostgres.DatabaseNameFor(path));
        }
    }

    [Fact]
    public async Task Two_instances_sending_from_one_outbox_at_once_deliver_each_notification_once()
    {
        TestPostgres.RequireServer();
        await using var receiver = await WebhookReceiver.StartAsync();
        var path = CeasefireWatchFactory.NewDatabasePath();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CeasefireWatchFactory.StartInstant);
        var settings = new Dictionary<string, string?> { ["Notifications:WebhookAttemptTimeout"] = "00:05:00" };
        var first = new CeasefireWatchFactory { Provider = DatabaseProvider.Postgres, DatabasePath = path, KeepDatabase = true, Clock = clock, Settings = settings };
        var second = new CeasefireWatchFactory { Provider = DatabaseProvider.Postgres, DatabasePath = path, KeepDatabase = true, Clock = clock, Settings = settings };
        try
        {
            using var api = first.CreateApiClient();
            using (var rule = await api.PostAsJsonAsync("/api/notification-rules", new
            {
                name = "Liaison hook", channel = "Webhook", target = receiver.Url, stages = Array.Empty<string>(), oblasts = Array.Empty<string>(), secret = "a shared secret, long enough",
            }, Ct))
            {
                Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
            }

            _ = second.Services;
            for (var i = 0; i < 40; i++)
            {
                await first.LogIncidentAsync(api, first.Now);   // tier 1 entered: one delivery each
            }

            var senders = new[] { first, second }
                .Select(app => app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Web.Features.Notifications.NotificationSender>().Single())
                .ToList();
            await CeasefireWatchFactory.WaitUntilAsync(async () =>
            {
                await Task.WhenAll(senders.Select(s => s.RunDueAsync(Ct)).Concat(senders.Select(s => s.RunDueAsync(Ct))));
                return await first.WithDbAsync(db => db.Set<NotificationDelivery>().CountAsync(d => d.Status == DeliveryStatus.Delivered, Ct)) == 40;
            }, TimeSpan.FromSeconds(60), "all 40 deliveries are delivered");

            var ids = receiver.Received.Select(r => r.Header("X-CeasefireWatch-Delivery")).ToList();
            Assert.Equal(40, ids.Count);
            Assert.Equal(40, ids.Distinct(StringComparer.Ordinal).Count());
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            TestPostgres.DropDatabase(TestPostgres.DatabaseNameFor(path));
        }
    }

    [Fact]
    public async Task A_write_to_a_read_only_server_is_a_503_with_retry_after_and_nothing_is_written()
    {
        TestPostgres.RequireServer();
        await using var app = new CeasefireWatchFactory { Provider = DatabaseProvider.Postgres };
        using var api = app.CreateApiClient();
        await app.LogIncidentAsync(api);
        var database = TestPostgres.DatabaseNameFor(app.DatabasePath);
        await AdminAsync($"ALTER DATABASE \"{database}\" SET default_transaction_read_only = on");
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var refused = await app.PostIncidentAsync(api);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("read-only", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE \"{database}\" SET default_transaction_read_only = off");
            NpgsqlConnection.ClearAllPools();
        }

        Assert.Equal(1, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
        await app.LogIncidentAsync(api);   // and the app recovers by itself
    }

    [Fact]
    public async Task Copy_to_postgres_moves_every_row_of_a_sqlite_database_and_the_app_goes_on_from_there()
    {
        TestPostgres.RequireServer();
        var sqlitePath = CeasefireWatchFactory.NewDatabasePath();
        var postgresPath = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            // A SQLite database with a bit of everything: incidents through all tiers, a resolved one, a rule and its
            // deliveries, an API key, accounts, the security log, data-protection keys.
            IncidentResponse escalated;
            await using (var sqlite = new CeasefireWatchFactory { Provider = DatabaseProvider.Sqlite, DatabasePath = sqlitePath, KeepDatabase = true })
            {
                using var api = sqlite.CreateApiClient();
                using var rule = await api.PostAsJsonAsync("/api/notification-rules", new
                {
                    name = "Desk", channel = "Email", target = "desk@example.org", stages = Array.Empty<string>(), oblasts = Array.Empty<string>(),
                }, Ct);
                Assert.Equal(HttpStatusCode.Created, rule.StatusCode);
                escalated = await sqlite.LogIncidentAsync(api, sqlite.Now.AddHours(-80));
                var resolved = await sqlite.LogIncidentAsync(api, sqlite.Now.AddHours(-2));
                using (var resolve = await api.PostAsJsonAsync($"/api/incidents/{resolved.Id}/resolve", new { reason = "Ceased." }, Ct))
                {
                    Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
                }

                await sqlite.CreateApiKeyAsync("Viewer");
                escalated = await CeasefireWatchFactory.GetIncidentAsync(api, escalated.Id);
            }

            var target = TestPostgres.EnsureDatabase(TestPostgres.DatabaseNameFor(postgresPath));
            var output = new StringWriter();
            var exit = await DatabaseCopy.RunAsync(["--from", $"Data Source={sqlitePath}", "--to", target], output, Ct);
            Assert.True(exit == 0, output.ToString());

            // Every table, row for row.
            var sourceCounts = await CountsAsync(new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={sqlitePath};Pooling=False").Options));
            var targetCounts = await CountsAsync(new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(target).Options));
            Assert.Equal(sourceCounts, targetCounts);
            Assert.True(sourceCounts["Incidents"] == 2 && sourceCounts["TimelineEntries"] > 4 && sourceCounts["NotificationDeliveries"] > 0
                && sourceCounts["AspNetUsers"] == 1 && sourceCounts["ApiKeys"] == 2 && sourceCounts["DataProtectionKeys"] >= 0,
                string.Join(", ", sourceCounts.Select(c => $"{c.Key}={c.Value}")));
            Assert.Contains("every table's count matches", output.ToString(), StringComparison.Ordinal);

            // A second copy into the same (now full) database is refused, and changes nothing.
            var again = new StringWriter();
            Assert.Equal(1, await DatabaseCopy.RunAsync(["--from", $"Data Source={sqlitePath}", "--to", target], again, Ct));
            Assert.Contains("not empty", again.ToString(), StringComparison.Ordinal);

            // The app on PostgreSQL shows the same incident, and new rows get fresh keys after the copied ones.
            await using var postgres = new CeasefireWatchFactory { Provider = DatabaseProvider.Postgres, DatabasePath = postgresPath, KeepDatabase = true };
            using var pgApi = postgres.CreateApiClient();
            var copied = await CeasefireWatchFactory.GetIncidentAsync(pgApi, escalated.Id);
            Assert.Equal(escalated.Stage, copied.Stage);
            Assert.Equal(escalated.StagesEntered.Select(e => (e.Stage, e.DueAt)), copied.StagesEntered.Select(e => (e.Stage, e.DueAt)));
            var next = await postgres.LogIncidentAsync(pgApi);
            Assert.Equal(3, next.Id);
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(sqlitePath);
            TestPostgres.DropDatabase(TestPostgres.DatabaseNameFor(postgresPath));
        }
    }

    [Fact]
    public async Task Copy_to_postgres_without_its_arguments_says_how_to_call_it()
    {
        var output = new StringWriter();
        Assert.Equal(2, await DatabaseCopy.RunAsync(["--from"], output, Ct));
        Assert.Contains("Usage: copy-to-postgres --from", output.ToString(), StringComparison.Ordinal);
    }

    private static async Task<SortedDictionary<string, long>> CountsAsync(AppDbContext db)
    {
        await using (db)
        {
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            await db.Database.OpenConnectionAsync(Ct);
            foreach (var table in db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct())
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
                counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
            }

            return counts;
        }
    }

    private static async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestPostgres.RequireServer()) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
