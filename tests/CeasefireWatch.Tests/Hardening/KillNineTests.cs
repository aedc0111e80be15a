using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using CeasefireWatch.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// The app as a real child process, killed with SIGKILL while its engine enters a burst of due tiers and clients are
/// posting, then restarted on the same file: every acknowledged write is there, and every incident has exactly one
/// <c>StageEntered</c> per tier it reached, each with the due instant the policy gives. The clock here is the real one
/// (a child process cannot be handed a fake), so the windows are seconds long and waits are bounded polls.
/// </summary>
[Trait("Database", "SqliteOnly")]
public sealed class KillNineTests
{
    private const string ApiKey = "kill-nine-test-key-0123456789";
    private static readonly TimeSpan Tier2After = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Tier3After = TimeSpan.FromSeconds(6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_kill_nine_during_a_burst_of_due_tiers_loses_no_acknowledged_write_and_doubles_no_tier()
    {
        var database = CeasefireWatchFactory.NewDatabasePath();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<int>();
        var random = new Random(8);
        try
        {
            for (var round = 0; round < 3; round++)
            {
                using var app = await ChildApp.StartAsync(database);
                using var client = app.Client();

                // A burst: 150 incidents whose tier 2 falls due at the same instant, two seconds from now.
                var dueAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
                var t0 = dueAt - Tier2After;
                await Parallel.ForEachAsync(Enumerable.Range(0, 150), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (_, ct) =>
                    await PostAsync(client, t0, acknowledged, ct));

                // Keep writing through the burst, and kill the process in the middle of it.
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await PostAsync(client, DateTimeOffset.UtcNow, acknowledged, CancellationToken.None);
                    }
                }, Ct)).ToList();
                var killAt = dueAt + TimeSpan.FromMilliseconds(random.Next(0, 250));
                await Task.Delay(Max(TimeSpan.Zero, killAt - DateTimeOffset.UtcNow), Ct);
                app.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }

            // Restarted once more, the engine catches up whatever fell due while the app was dead.
            using (var app = await ChildApp.StartAsync(database))
            {
                await WaitUntilAsync(async () => await CountAsync(database, "SELECT COUNT(*) FROM Incidents WHERE Status = 'Active' AND NextStageAt IS NOT NULL") == 0,
                    TimeSpan.FromSeconds(30), "every active incident reached tier 3");
            }

            await using var db = new SqliteConnection($"Data Source={database};Pooling=False");
            await db.OpenAsync(Ct);
            var stored = new HashSet<int>();
            await using (var ids = db.CreateCommand())
            {
                ids.CommandText = "SELECT Id FROM Incidents";
                await using var reader = await ids.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    stored.Add(reader.GetInt32(0));
                }
            }

            Assert.NotEmpty(acknowledged);
            Assert.All(acknowledged, id => Assert.Contains(id, stored));

            // Exactly one StageEntered per tier, for every incident, each at its policy due instant.
            await using var check = db.CreateCommand();
            check.CommandText = """
                SELECT i.Id, i.OccurredAt, t.Stage, COUNT(*), MIN(t.DueAt)
                FROM Incidents i JOIN TimelineEntries t ON t.IncidentId = i.Id AND t.Kind = 'StageEntered'
                GROUP BY i.Id, t.Stage
                """;
            var perIncident = new Dictionary<int, List<string>>();
            await using (var reader = await check.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    var id = reader.GetInt32(0);
                    var t0 = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
                    var stage = reader.GetString(2);
                    Assert.True(reader.GetInt32(3) == 1, $"Incident {id} entered {stage} {reader.GetInt32(3)} times.");
                    var due = DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc);
                    var expected = stage switch { "Coalition" => t0 + Tier2After, "UsBackstop" => t0 + Tier3After, _ => t0 };
                    Assert.True(expected == due, $"Incident {id} entered {stage} due {due:O}, the policy says {expected:O}.");
                    (perIncident.TryGetValue(id, out var list) ? list : perIncident[id] = []).Add(stage);
                }
            }

            Assert.Equal(stored.Count, perIncident.Count);
            Assert.All(perIncident, p => Assert.Equal(["Coalition", "UkrainianForces", "UsBackstop"], p.Value.Order(StringComparer.Ordinal)));
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(database);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static async Task PostAsync(HttpClient client, DateTimeOffset occurredAt, System.Collections.Concurrent.ConcurrentBag<int> acknowledged, CancellationToken ct)
    {
        try
        {
            var body = CeasefireWatchFactory.IncidentBody(occurredAt);
            using var response = await client.PostAsJsonAsync("/api/incidents", body, CeasefireWatchFactory.Json, ct);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var incident = await response.Content.ReadFromJsonAsync<IncidentResponse>(CeasefireWatchFactory.Json, ct);
                acknowledged.Add(incident!.Id);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // The process died under this request: it was never acknowledged, so it may or may not be stored.
        }
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var db = new SqliteConnection($"Data Source={database};Pooling=False");
        await db.OpenAsync(Ct);
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(started.Elapsed < limit, $"Timed out after {limit.TotalSeconds:0} s waiting until {what}.");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>The built app (src/CeasefireWatch.Web's own output) as a child process on a free loopback port.</summary>
    private sealed class ChildApp : IDisposable
    {
        private readonly Process process;

        private ChildApp(Process process, Uri address)
        {
            this.process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<ChildApp> StartAsync(string database)
        {
            var port = FreePort();
            var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            var start = RepositoryFiles.WebAppStartInfo(database, address.ToString().TrimEnd('/'), "Development");
            start.Environment["Bootstrap__ApiKey"] = ApiKey;
            start.Environment["Escalation__Tier2After"] = Tier2After.ToString("c", CultureInfo.InvariantCulture);
            start.Environment["Escalation__Tier3After"] = Tier3After.ToString("c", CultureInfo.InvariantCulture);
            start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
            start.Environment["Security__CredentialGuessing__FailureLimit"] = "100000";
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var app = new ChildApp(process, address);
            using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
            await WaitUntilAsync(async () =>
            {
                Assert.False(process.HasExited, $"The app exited at start with code {(process.HasExited ? process.ExitCode : 0)}.");
                try
                {
                    using var health = await probe.GetAsync("/health", Ct);
                    return health.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the app answered /health");
            return app;
        }

        public HttpClient Client()
        {
            var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(20) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            return client;
        }

        /// <summary>SIGKILL: no shutdown hook, no flush, no goodbye.</summary>
        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
