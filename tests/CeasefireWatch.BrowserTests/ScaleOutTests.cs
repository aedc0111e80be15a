using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;

namespace CeasefireWatch.BrowserTests;

/// <summary>
/// Three app instances as child processes on loopback ports, one fresh PostgreSQL database, SignalR through Redis:
/// the scale-out of issue 14. Started together (they take turns migrating), they share the database, the
/// data-protection keys and the live pushes. A burst of incidents whose tiers fall due together is loaded through all
/// three, and one instance is killed with SIGKILL in the middle of the burst; the others take over its deadlines.
/// Every tier is entered exactly once with the due instant the policy gives, every acknowledged write is stored, a
/// page open on A is updated by a change made through B, and a sign-in cookie issued by A is honoured by C.
/// The clock is the real one (child processes), so the windows are seconds long and every wait is a bounded poll.
/// </summary>
public sealed class ScaleOutTests
{
    public const string ServerVariable = "CEASEFIREWATCH_TEST_POSTGRES";
    public const string RedisVariable = "CEASEFIREWATCH_TEST_REDIS";

    private const string ApiKey = "scale-out-test-key-0123456789";
    private const string AdminEmail = "admin@example.org";
    private const string AdminPassword = "correct horse battery staple";
    private static readonly TimeSpan Tier2After = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Tier3After = TimeSpan.FromSeconds(8);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_instances_on_one_database_enter_each_tier_once_through_a_kill_and_share_pushes_and_cookies()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, $"Chromium is not installed at {BrowserFixture.ChromiumPath}.");
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        Assert.SkipWhen(string.IsNullOrEmpty(server),
            $"No PostgreSQL server: set {ServerVariable} to an Npgsql connection string for a role that may create databases; .ci/run does.");
        var redis = Environment.GetEnvironmentVariable(RedisVariable);
        Assert.SkipWhen(string.IsNullOrEmpty(redis), $"No Redis server: set {RedisVariable} (for example 127.0.0.1:6379); .ci/run does.");

        var database = $"cwscale_{Guid.NewGuid():N}"[..28];
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
        await AdminAsync(server!, $"CREATE DATABASE \"{database}\"");
        var apps = new List<ChildApp>();
        try
        {
            // Started together: the advisory lock lets one migrate and seed while the others wait.
            var settings = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__CeasefireWatch"] = connectionString,
                ["SignalR__Redis"] = redis!,
                ["SignalR__RedisChannelPrefix"] = database,
                ["Database__SharedPollInterval"] = "00:00:01",
            };
            apps.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ChildApp.StartAsync(settings))));
            var (a, b, c) = (apps[0], apps[1], apps[2]);
            Assert.Equal(1L, await ScalarAsync(connectionString, "SELECT COUNT(*) FROM \"ApiKeys\""));

            await LivePageAndCookieAsync(a, b, c);

            // A burst: 90 incidents, through all three instances, whose tier 2 falls due at one instant and tier 3 at
            // another, a few seconds from now.
            var acknowledged = new ConcurrentBag<int>();
            var clients = apps.Select(app => app.Client()).ToList();
            var dueAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3);
            var t0 = dueAt - Tier2After;
            await Parallel.ForEachAsync(Enumerable.Range(0, 90), new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct }, async (i, ct) =>
                await PostAsync(clients[i % 3], t0, acknowledged, ct));
            Assert.Equal(90, acknowledged.Count);

            // Keep writing through every instance through the burst, and kill B in the middle of it.
            using var stop = new CancellationTokenSource();
            var writers = clients.Select(client => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await PostAsync(client, DateTimeOffset.UtcNow, acknowledged, CancellationToken.None);
                }
            }, Ct)).ToList();
            await Task.Delay(Max(TimeSpan.Zero, dueAt + TimeSpan.FromMilliseconds(150) - DateTimeOffset.UtcNow), Ct);
            b.Kill();
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            // A and C finish what B had: every active incident reaches tier 3, its last (within seconds of it falling
            // due on an idle machine; the limit allows for a loaded one).
            await WaitUntilAsync(async () => await ScalarAsync(connectionString,
                    "SELECT COUNT(*) FROM \"Incidents\" WHERE \"Status\" = 'Active' AND \"NextStageAt\" IS NOT NULL") == 0,
                TimeSpan.FromSeconds(90), "every active incident reached tier 3 on the surviving instances");
            

            var stored = new HashSet<int>();
            await using var db = new NpgsqlConnection(connectionString);
            await db.OpenAsync(Ct);
            await using (var ids = new NpgsqlCommand("SELECT \"Id\" FROM \"Incidents\"", db))
            await using (var reader = await ids.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    stored.Add(reader.GetInt32(0));
                }
            }

            Assert.True(acknowledged.Count > 90, "The writers were acknowledged during the burst too.");
            Assert.All(acknowledged, id => Assert.Contains(id, stored));

            // Exactly one StageEntered per tier, for every incident, each at its policy due instant.
            await using var check = new NpgsqlCommand("""
                SELECT i."Id", i."OccurredAt", t."Stage", COUNT(*), MIN(t."DueAt"), MAX(t."DueAt")
                FROM "Incidents" i JOIN "TimelineEntries" t ON t."IncidentId" = i."Id" AND t."Kind" = 'StageEntered'
                GROUP BY i."Id", i."OccurredAt", t."Stage"
                """, db);
            var perIncident = new Dictionary<int, List<string>>();
            await using (var reader = await check.ExecuteReaderAsync(Ct))
            {
                while (await reader.ReadAsync(Ct))
                {
                    var id = reader.GetInt32(0);
                    var occurredAt = reader.GetFieldValue<DateTime>(1);
                    var stage = reader.GetString(2);
                    Assert.True(reader.GetInt64(3) == 1, $"Incident {id} entered {stage} {reader.GetInt64(3)} times.");
                    var due = reader.GetFieldValue<DateTime>(4);
                    var expected = stage switch { "Coalition" => occurredAt + Tier2After, "UsBackstop" => occurredAt + Tier3After, _ => occurredAt };
                    Assert.True(expected == due, $"Incident {id} entered {stage} due {due:O}; the policy says {expected:O}.");
                    (perIncident.TryGetValue(id, out var list) ? list : perIncident[id] = []).Add(stage);
                }
            }

            Assert.Equal(stored.Count, perIncident.Count);
            Assert.All(perIncident, p => Assert.Equal(["Coalition", "UkrainianForces", "UsBackstop"], p.Value.Order(StringComparer.Ordinal)));

            // The survivors say so themselves.
            foreach (var survivor in new[] { a, c })
            {
                using var client = survivor.Client();
                using var health = await client.GetAsync("/health", Ct);
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            foreach (var app in apps)
            {
                app.Dispose();
            }

            await AdminAsync(server!, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    /// <summary>
    /// A dashboard open on A shows an incident logged through B (pushed through Redis, not by a reload), and the
    /// cookie A issued at sign-in opens a page on C, where without it C sends the visitor to sign in.
    /// </summary>
    private static async Task LivePageAndCookieAsync(ChildApp a, ChildApp b, ChildApp c)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = a.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await page.GetByLabel("Email").FillAsync(AdminEmail);
        await page.GetByLabel("Password").FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Commit is enough (see BrowserFixture.SignedInContextAsync); the expectation below waits for the page itself.
        await page.WaitForURLAsync(a.Address.ToString(), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");

        using (var throughB = b.Client())
        {
            using var response = await throughB.PostAsJsonAsync("/api/incidents", Body(DateTimeOffset.UtcNow), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}\n{b.Output}");
            var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt32();
            await Assertions.Expect(page.Locator($"[data-incident-id='{id}']")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }

        // The cookie A issued, sent to C by a plain client: C reads it with the keys A made (shared in the database).
        var cookies = await context.CookiesAsync([a.Address.ToString()]);
        var header = string.Join("; ", cookies.Select(k => $"{k.Name}={k.Value}"));
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var toC = new HttpClient(handler) { BaseAddress = c.Address };
        using (var anonymous = await toC.GetAsync("/Incidents", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.Contains("/Account/SignIn", anonymous.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/Incidents");
        request.Headers.Add("Cookie", header);
        using var signedIn = await toC.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains(AdminEmail, await signedIn.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    private static object Body(DateTimeOffset occurredAt) => new
    {
        title = "Shelling near Kupiansk",
        occurredAt = occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        oblast = "Kharkiv",
        location = "Kupiansk",
        violationType = "Shelling",
        severity = "Serious",
        sourceType = "MonitoringDrone",
        description = "Logged by the scale-out test.",
    };

    private static TimeSpan Max(TimeSpan x, TimeSpan y) => x > y ? x : y;

    private static async Task<int?> PostAsync(HttpClient client, DateTimeOffset occurredAt, ConcurrentBag<int> acknowledged, CancellationToken ct)
    {
        try
        {
            using var response = await client.PostAsJsonAsync("/api/incidents", Body(occurredAt), ct);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                var id = body.RootElement.GetProperty("id").GetInt32();
                acknowledged.Add(id);
                return id;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
        {
            // The process died under this request: it was never acknowledged, so it may or may not be stored.
        }

        return null;
    }

    private static async Task AdminAsync(string server, string sql)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
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
        private readonly ConcurrentQueue<string> output = new();

        private ChildApp(Process process, Uri address)
        {
            this.process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<ChildApp> StartAsync(IReadOnlyDictionary<string, string> settings)
        {
            var port = FreePort();
            var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = WebProjectDirectory(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(WebOutputDirectory(), "CeasefireWatch.Web.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(address.ToString().TrimEnd('/'));
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["Bootstrap__ApiKey"] = ApiKey;
            start.Environment["Bootstrap__AdminEmail"] = AdminEmail;
            start.Environment["Bootstrap__AdminPassword"] = AdminPassword;
            start.Environment["Escalation__Tier2After"] = Tier2After.ToString("c", CultureInfo.InvariantCulture);
            start.Environment["Escalation__Tier3After"] = Tier3After.ToString("c", CultureInfo.InvariantCulture);
            start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
            start.Environment["Security__CredentialGuessing__FailureLimit"] = "100000";
            foreach (var (key, value) in settings)
            {
                start.Environment[key] = value;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var app = new ChildApp(process, address);
            process.OutputDataReceived += (_, e) => app.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
            await WaitUntilAsync(async () =>
            {
                Assert.False(process.HasExited, $"The app exited at start with code {(process.HasExited ? process.ExitCode : 0)}:\n{app.Output}");
                try
                {
                    using var health = await probe.GetAsync("/health", Ct);
                    return health.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(240), $"the app on {address} answered /health");
            return app;
        }

        /// <summary>The last lines the app wrote, for a failure message.</summary>
        public string Output => string.Join('\n', output);

        public HttpClient Client()
        {
            var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            return client;
        }

        /// <summary>SIGKILL: no shutdown hook, no flush, no goodbye; its connections (and their row locks) just drop.</summary>
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

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            while (output.Count > 200)
            {
                output.TryDequeue(out _);
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CeasefireWatch.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("CeasefireWatch.sln not found above " + AppContext.BaseDirectory);
        }

        private static string WebProjectDirectory() => Path.Combine(RepositoryRoot(), "src", "CeasefireWatch.Web");

        /// <summary>The web project's own build output, in the configuration these tests were built in.</summary>
        private static string WebOutputDirectory()
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;   // bin/<Configuration>/net10.0
            var output = Path.Combine(WebProjectDirectory(), "bin", configuration, "net10.0");
            Assert.True(File.Exists(Path.Combine(output, "CeasefireWatch.Web.dll")), $"Build the solution first: no app in {output}.");
            return output;
        }
    }
}
