using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Escalation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// The app in memory, for integration tests: its own SQLite file (deleted on dispose unless
/// <see cref="KeepDatabase"/>), a <see cref="FakeTimeProvider"/> as the clock, configurable escalation
/// windows, quiet logging, and every request arriving from <see cref="ClientAddress"/> (the test server has no
/// socket, so no address of its own) so the security log's source address can be checked. Usable as an xunit class fixture (one host per test class) or created per test.
/// </summary>
public sealed class CeasefireWatchFactory : WebApplicationFactory<Program>
{
    /// <summary>Where every fake clock starts: 2026-02-04T06:00:00Z.</summary>
    public static readonly DateTimeOffset StartInstant = new(2026, 2, 4, 6, 0, 0, TimeSpan.Zero);

    /// <summary>The app's clock. Advance it to make time pass; never sleep.</summary>
    public FakeTimeProvider Clock { get; init; } = new(StartInstant);

    /// <summary>The SQLite file. Pass the same path (and <see cref="KeepDatabase"/>) to a second factory to restart on the same data.</summary>
    public string DatabasePath { get; init; } = NewDatabasePath();

    /// <summary>When true, the database file outlives this factory and whoever made the path deletes it.</summary>
    public bool KeepDatabase { get; init; }

    /// <summary>
    /// The database the app runs on: SQLite unless <c>CEASEFIREWATCH_TEST_PROVIDER=Postgres</c> (CI's second pass), or
    /// set by a test. On PostgreSQL, <see cref="DatabasePath"/> names the database (<see cref="TestPostgres.DatabaseNameFor"/>),
    /// created at start, so a second factory with the same path restarts on the same data there too.
    /// </summary>
    public DatabaseProvider Provider { get; init; } = TestPostgres.IsDefaultProvider ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    public bool OnPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary><c>Escalation:Tier2After</c>; the app's default when null.</summary>
    public TimeSpan? Tier2After { get; init; }

    /// <summary><c>Escalation:Tier3After</c>; the app's default when null.</summary>
    public TimeSpan? Tier3After { get; init; }

    /// <summary>More configuration, as key and value (<c>Database:BusyTimeout</c>, say); applied after the defaults above.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>More test services (fault injection, counting decorators), applied after the app's own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>
    /// A request with this header appears to come from the address it names (the in-memory server has no socket),
    /// so tests of per-address limits can be two clients at once.
    /// </summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    /// <summary>Whether the bootstrap administrator is created at start (false: the setup page stays open).</summary>
    public bool WithBootstrapAdmin { get; init; } = true;

    /// <summary>JSON as the API speaks it: camelCase, enums as their names (integers refused).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public string ConnectionString => OnPostgres
        ? TestPostgres.ConnectionStringFor(TestPostgres.DatabaseNameFor(DatabasePath))
        : $"Data Source={DatabasePath}";

    /// <summary>The hosted escalation engine of this app instance.</summary>
    public EscalationEngine Engine => Services.GetServices<IHostedService>().OfType<EscalationEngine>().Single();

    /// <summary>The hosted write-ahead-log checkpointer of this app instance (SQLite).</summary>
    internal WalCheckpointer Checkpointer => Services.GetServices<IHostedService>().OfType<WalCheckpointer>().Single();

    public DateTimeOffset Now => Clock.GetUtcNow();

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), $"ceasefirewatch-tests-{Guid.NewGuid():N}.db");

    /// <summary>Deletes a test database with its WAL files, after releasing pooled connections to it (and its PostgreSQL twin, if any).</summary>
    public static void DeleteDatabase(string path)
    {
        if (TestPostgres.IsDefaultProvider)
        {
            TestPostgres.DropDatabase(TestPostgres.DatabaseNameFor(path));
        }

        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The value of <c>Bootstrap:ApiKey</c>: a Supervisor key named <c>bootstrap</c>.</summary>
    public const string SupervisorApiKey = "tests-supervisor-key-0123456789";

    /// <summary>The bootstrap administrator (<c>Bootstrap:AdminEmail</c> / <c>Bootstrap:AdminPassword</c>).</summary>
    public const string AdminEmail = "admin@example.org";

    public const string AdminPassword = "correct horse battery staple";

    /// <summary>The remote address every request of the in-memory server appears to come from.</summary>
    public const string ClientAddress = "203.0.113.7";

    /// <summary>A client that keeps cookies and does not follow redirects, as a test of pages wants to see them.</summary>
    public HttpClient CreateBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>
    /// The one way API tests get a client: it sends the bootstrap Supervisor key, so every incident call
    /// of the API is allowed and the timeline names <c>bootstrap</c> as the actor.
    /// </summary>
    public HttpClient CreateApiClient() => CreateApiClient(SupervisorApiKey);

    /// <summary>A client that sends <paramref name="apiKey"/> as <c>X-Api-Key</c>.</summary>
    public HttpClient CreateApiClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Creates an API key with <paramref name="role"/> straight in the database and returns its secret.</summary>
    public Task<string> CreateApiKeyAsync(string role, string? name = null) => WithDbAsync(async db =>
    {
        var secret = ApiKey.NewSecret();
        db.ApiKeys.Add(new ApiKey
        {
            Name = name ?? $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..24],
            Role = role,
            SecretHash = ApiKey.Hash(secret),
            Prefix = secret[..8],
            CreatedAt = Now.UtcDateTime,
            CreatedBy = "tests",
        });
        await db.SaveChangesAsync();
        return secret;
    });

    /// <summary>An ISO 8601 UTC time with a Z and all seven fractional digits, so a single tick survives the trip.</summary>
    public static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A valid body for <c>POST /api/incidents</c>, every field set; change what a test is about.</summary>
    public static Dictionary<string, object?> IncidentBody(DateTimeOffset occurredAt, string title = "Shelling of Huliaipole") => new()
    {
        ["title"] = title,
        ["occurredAt"] = Iso(occurredAt),
        ["oblast"] = "Zaporizhzhia",
        ["location"] = "Гуляйполе",
        ["violationType"] = "Shelling",
        ["severity"] = "Serious",
        ["sourceType"] = "MonitoringDrone",
        ["description"] = "Artillery fire on the eastern outskirts.",
        ["latitude"] = 47.6647,
        ["longitude"] = 36.2631,
        ["killed"] = 0,
        ["wounded"] = 2,
    };

    /// <summary>A valid follow-up report body for <c>POST /api/incidents/{id}/reports</c>.</summary>
    public static Dictionary<string, object?> ReportBody(DateTimeOffset occurredAt)
    {
        var body = IncidentBody(occurredAt);
        body.Remove("title");
        return body;
    }

    /// <summary>
    /// Posts a new incident: a valid body whose violation occurred at <paramref name="occurredAt"/> (default: now),
    /// changed by <paramref name="change"/> if given.
    /// </summary>
    public Task<HttpResponseMessage> PostIncidentAsync(
        HttpClient client, DateTimeOffset? occurredAt = null, Action<Dictionary<string, object?>>? change = null)
    {
        var body = IncidentBody(occurredAt ?? Now);
        change?.Invoke(body);
        return client.PostAsJsonAsync("/api/incidents", body, Json, TestContext.Current.CancellationToken);
    }

    /// <summary>Posts a new incident and returns it, failing the test unless the API answered 201.</summary>
    public async Task<IncidentResponse> LogIncidentAsync(
        HttpClient client, DateTimeOffset? occurredAt = null, Action<Dictionary<string, object?>>? change = null)
    {
        using var response = await PostIncidentAsync(client, occurredAt, change);
        return await ReadAsync<IncidentResponse>(response, System.Net.HttpStatusCode.Created);
    }

    /// <summary>GET /api/incidents/{id}: the incident with its timeline.</summary>
    public static async Task<IncidentResponse> GetIncidentAsync(HttpClient client, int id)
    {
        using var response = await client.GetAsync($"/api/incidents/{id}", TestContext.Current.CancellationToken);
        return await ReadAsync<IncidentResponse>(response, System.Net.HttpStatusCode.OK);
    }

    /// <summary>GET /api/incidents with a query string such as <c>status=Active&amp;page=2</c>.</summary>
    public static async Task<IncidentPage> ListIncidentsAsync(HttpClient client, string query = "")
    {
        using var response = await client.GetAsync($"/api/incidents?{query}", TestContext.Current.CancellationToken);
        return await ReadAsync<IncidentPage>(response, System.Net.HttpStatusCode.OK);
    }

    /// <summary>Asserts the status code (showing the body when it differs) and reads the JSON body.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json) ?? throw new InvalidOperationException($"Empty body: {text}");
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 20 ms until it holds, failing the test after
    /// <paramref name="timeout"/> (10 s by default). For waiting on background work; never a fixed sleep.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {because ?? "the condition held"}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Waits until the hosted engine has run at or after <paramref name="instant"/> on the fake clock. While waiting it
    /// pokes the engine through its wake-up signal, as any incident change does: a sleep the engine armed a moment
    /// before the clock moved would otherwise only end when the clock moves again.
    /// </summary>
    public async Task WaitForEngineRunAsync(DateTime instant)
    {
        var status = Services.GetRequiredService<EscalationEngineStatus>();
        var signal = Services.GetRequiredService<EscalationSignal>();
        await WaitUntilAsync(
            () =>
            {
                if (status.Current.LastRunAt >= instant)
                {
                    return Task.FromResult(true);
                }

                signal.Notify();
                return Task.FromResult(false);
            },
            because: $"the escalation engine ran at {instant:O} or later");
    }

    /// <summary>Runs <paramref name="work"/> against the app's database in a fresh scope.</summary>
    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Runs <paramref name="work"/> with a service of the app, in a scope of its own.</summary>
    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Host settings reach the app as command-line arguments, so they win over appsettings.json
        // and are already visible while Program.cs registers services.
        builder.UseEnvironment("Development");
        if (OnPostgres)
        {
            TestPostgres.EnsureDatabase(TestPostgres.DatabaseNameFor(DatabasePath));
            builder.UseSetting("Database:Provider", "Postgres");
        }

        builder.UseSetting("ConnectionStrings:CeasefireWatch", ConnectionString);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Bootstrap:ApiKey", SupervisorApiKey);
        if (WithBootstrapAdmin)
        {
            builder.UseSetting("Bootstrap:AdminEmail", AdminEmail);
            builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        }

        if (Tier2After is { } tier2)
        {
            builder.UseSetting("Escalation:Tier2After", tier2.ToString("c", CultureInfo.InvariantCulture));
        }

        if (Tier3After is { } tier3)
        {
            builder.UseSetting("Escalation:Tier3After", tier3.ToString("c", CultureInfo.InvariantCulture));
        }

        // Suites that fail credentials on purpose (the role matrix sends many wrong keys) must not be throttled by
        // it; the tests of the throttle set their own limit.
        builder.UseSetting("Security:CredentialGuessing:FailureLimit", "100000");

        // The app's clock is a FakeTimeProvider months away from the PostgreSQL server's: the clock check would always
        // be degraded. ClockSkewTests turns it on.
        builder.UseSetting("Health:MaxClockSkew", "00:00:00");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddTransient<IStartupFilter, ClientAddressStartupFilter>();
            TestServices?.Invoke(services);
        });
    }

    /// <summary>The started app's lifetime, to wait for its stop to finish before its database is deleted.</summary>
    private IHostApplicationLifetime? lifetime;
    private WalCheckpointer? checkpointer;

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        checkpointer = host.Services.GetServices<IHostedService>().OfType<WalCheckpointer>().Single();
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        // The app's last steps of stopping (the ApplicationStopped callbacks: the checkpointer's final fold) were seen
        // to run after base.DisposeAsync had returned (under the minimal hosting model the app's own RunAsync stops it
        // too): the database was deleted under them, and the fold left an empty file in /tmp. Wait for the stop and
        // for the fold itself, which a "stopped" callback registered here would not cover (the host runs its stopped
        // callbacks last-registered first: this one would run before the fold, and a test then copied the database
        // file before it was complete). Bounded, in case a test's app never got that far.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime?.ApplicationStopped.Register(() => stopped.TrySetResult()))
        {
            await base.DisposeAsync();
            if (lifetime is not null && checkpointer is not null)
            {
                await Task.WhenAny(
                    Task.WhenAll(stopped.Task, checkpointer.FoldedAtStop),
                    Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            }
        }

        if (!KeepDatabase)
        {
            DeleteDatabase(DatabasePath);
            if (OnPostgres)
            {
                TestPostgres.DropDatabase(TestPostgres.DatabaseNameFor(DatabasePath));
            }
        }
    }

    private sealed class ClientAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(ClientAddressHeader, out var address)
                    ? IPAddress.Parse(address.ToString())
                    : context.Connection.RemoteIpAddress ?? IPAddress.Parse(ClientAddress);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
