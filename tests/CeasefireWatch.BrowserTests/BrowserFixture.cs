using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CeasefireWatch.BrowserTests;

/// <summary>
/// The app on a real loopback port (Kestrel inside WebApplicationFactory), its own SQLite file, a short
/// escalation policy so a tier falls due within seconds, and Debian's Chromium driven by Playwright.
/// The browser runs on the real clock, so the app does too.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string AdminEmail = "admin@example.org";
    public const string AdminPassword = "correct horse battery staple";
    public const string ApiKey = "browser-tests-key-0123456789";

    /// <summary>Short enough to watch a tier fire during a test, long enough to read a countdown first.</summary>
    public static readonly TimeSpan Tier2After = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Tier3After = TimeSpan.FromSeconds(90);

    public static bool ChromiumAvailable => File.Exists(ChromiumPath);

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"cw-browser-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program>? factory;
    private IPlaywright? playwright;

    public string BaseUrl { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>Where screenshots for people go: beside the test binaries, and named in the test output.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!ChromiumAvailable)
        {
            return;
        }

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.UseSetting("ConnectionStrings:CeasefireWatch", $"Data Source={databasePath}");
            host.UseSetting("Bootstrap:AdminEmail", AdminEmail);
            host.UseSetting("Bootstrap:AdminPassword", AdminPassword);
            host.UseSetting("Bootstrap:ApiKey", ApiKey);
            host.UseSetting("Escalation:Tier2After", Tier2After.ToString());
            host.UseSetting("Escalation:Tier3After", Tier3After.ToString());
            host.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        BaseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First().TrimEnd('/');

        Api = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A fresh browser context signed in as the bootstrap administrator.</summary>
    public Task<IBrowserContext> SignedInContextAsync() => SignedInContextAsync(new ViewportSize { Width = 1400, Height = 1000 });

    /// <summary>
    /// A fresh browser context of the given size, signed in as the bootstrap administrator. <paramref name="locale"/>
    /// is what the browser asks for in Accept-Language (the app's first guess at the language).
    /// </summary>
    public async Task<IBrowserContext> SignedInContextAsync(ViewportSize viewport, string locale = "en-US")
    {
        var context = await NewContextAsync(viewport, locale);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/SignIn");
        // By id, not by label: the labels are in the language the browser asked for.
        await page.Locator("#Input_Email").FillAsync(AdminEmail);
        await page.Locator("#Input_Password").FillAsync(AdminPassword);
        await page.Locator("main form button[type=submit]").ClickAsync();
        // Commit, not the default load: the cookie came with the redirect, and nothing here needs the dashboard's
        // subresources. Waiting for "load" once hung for 30 s in CI with the app logging nothing (Playwright's log
        // showed the page's network idle, so the page had loaded; the wait had missed its load event).
        await page.WaitForURLAsync(BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit });
        await page.CloseAsync();
        return context;
    }

    /// <summary>A fresh browser context, signed out, in Kyiv's time zone.</summary>
    public Task<IBrowserContext> NewContextAsync(ViewportSize viewport, string locale = "en-US") =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = viewport,
            TimezoneId = "Europe/Kyiv",
            Locale = locale,
        });

    /// <summary>Logs an incident through the JSON API, as a monitoring pipeline would.</summary>
    public async Task<int> LogIncidentAsync(string title, DateTimeOffset occurredAt, string oblast = "Kharkiv")
    {
        var response = await Api.PostAsJsonAsync("/api/incidents", new
        {
            title,
            occurredAt,
            oblast,
            location = "Kupiansk",
            violationType = "Shelling",
            severity = "Serious",
            sourceType = "MonitoringDrone",
            description = "Logged by a browser test.",
        }, Json);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetInt32();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        Api?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
