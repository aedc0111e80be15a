using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CeasefireWatch.BrowserTests;

/// <summary>What a person does with the dashboard, in Chromium: watch, log, see tiers change, export.</summary>
[Collection(nameof(BrowserTestGroup))]
public sealed partial class DashboardTests(BrowserFixture app)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions EngineTimeout = new() { Timeout = 40_000 };

    [Fact]
    public async Task An_incident_logged_in_one_page_appears_on_a_dashboard_open_in_another_without_reload()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var dashboard = await context.NewPageAsync();
        await dashboard.GotoAsync("/");
        await Expect(dashboard.Locator("#live-status")).ToHaveTextAsync("Live");
        await dashboard.EvaluateAsync("() => { window.__notReloaded = true; }");

        var form = await context.NewPageAsync();
        await form.GotoAsync("/Incidents/New");
        var title = $"Shelling of Vovchansk {Guid.NewGuid():N}"[..32];
        await form.GetByLabel("Title").FillAsync(title);
        // The form takes minutes, so T0 lands up to a minute back: with the short test policy the incident
        // may already be in tier 2 or 3. What matters here is that it appears at all, in place.
        await form.Locator("#Input_OccurredAt").FillAsync(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await form.GetByLabel("Oblast").SelectOptionAsync("Kharkiv");
        await form.GetByLabel("Settlement or location").FillAsync("Вовчанськ");
        await form.GetByLabel("Violation type").SelectOptionAsync("Shelling");
        await form.GetByLabel("Severity").SelectOptionAsync("Serious");
        await form.GetByLabel("Source").SelectOptionAsync("UkrainianForces");
        await form.GetByRole(AriaRole.Button, new() { Name = "Log incident" }).ClickAsync();
        await Expect(form).ToHaveURLAsync(new Regex("/Incidents/\\d+$"));
        var id = form.Url.Split('/')[^1];

        var card = dashboard.Locator($"[data-incident-id='{id}']");
        await Expect(card).ToContainTextAsync(title, new() { Timeout = 5_000 });
        await Expect(card).ToHaveAttributeAsync("data-stage", new Regex("^(UkrainianForces|Coalition|UsBackstop)$"));
        Assert.True(await dashboard.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the dashboard reloaded instead of updating in place");
    }

    [Fact]
    public async Task The_countdown_ticks_down_and_the_tier_changes_on_screen_when_the_engine_fires()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        // Tier 2 falls due about 25 seconds from now: time, even on a loaded machine, to open the page and read the countdown first.
        var id = await app.LogIncidentAsync("Drone strike near Nikopol", DateTimeOffset.UtcNow - BrowserFixture.Tier2After + TimeSpan.FromSeconds(25), "Dnipropetrovsk");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        var card = page.Locator($"[data-incident-id='{id}']");
        await Expect(card).ToHaveAttributeAsync("data-stage", "UkrainianForces");
        var countdown = card.Locator("[data-countdown]");
        var first = await countdown.TextContentAsync();
        Assert.Matches(CountdownFormat(), first!);
        await Expect(countdown).Not.ToHaveTextAsync(first!);
        var second = await countdown.TextContentAsync();
        Assert.True(
            second == "due" || Seconds(second!) < Seconds(first!),
            $"the countdown went from {first} to {second}");

        await Expect(card).ToHaveAttributeAsync("data-stage", "Coalition", EngineTimeout);
        await Expect(card.Locator(".stage")).ToHaveTextAsync("Tier 2 · Coalition of the Willing");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page reloaded instead of updating in place");
    }

    [Fact]
    public async Task The_map_and_the_charts_render_and_a_screenshot_is_written()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await app.LogIncidentAsync("Missile strike on Odesa port", DateTimeOffset.UtcNow.AddSeconds(-1), "Odesa");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        await Expect(page.Locator("svg .region")).ToHaveCountAsync(27);
        var odesa = page.Locator("svg .region[data-region='Odesa']");
        await Expect(odesa).ToHaveAttributeAsync("class", new Regex("tier-[123]"));
        await Expect(odesa).ToHaveAttributeAsync("aria-label", new Regex("Odesa: \\d+ active, highest Tier"));
        // Outlines drawn where the regions lie: Lviv's west of Kharkiv's, Crimea's south of Chernihiv's.
        var edges = await page.EvaluateAsync<double[]>(
            "() => ['Lviv', 'Kharkiv', 'Chernihiv', 'Crimea'].map(n => { const b = document.querySelector(`.region[data-region='${n}'] path`).getBBox(); return n === 'Lviv' || n === 'Kharkiv' ? b.x : b.y; })");
        Assert.True(edges[0] < edges[1] && edges[2] < edges[3], $"the outlines are not where the regions lie: {string.Join(", ", edges)}");
        Assert.True(await page.EvaluateAsync<bool>("() => !!Chart.getChart('chart-per-day') && !!Chart.getChart('chart-resolution')"));
        var todaysBars = await page.EvaluateAsync<int>(
            "() => Chart.getChart('chart-per-day').data.datasets.reduce((sum, d) => sum + d.data[d.data.length - 1], 0)");
        Assert.True(todaysBars >= 1, $"today's bar shows {todaysBars} incidents");

        // Click where a person would: on the region's label, which lies well inside the outline and lets clicks through.
        // The point is taken relative to the region and placed by Playwright as it clicks, once the page holds still: a
        // live update that moves the map in between (a tier entered by an earlier test's incident: CI once clicked
        // Cherkasy) cannot send it elsewhere. Playwright clicks only if the region itself is hit at that point, which
        // is the label letting the click through.
        var offset = await page.EvaluateAsync<double[]>(
            "() => { const r = document.querySelector(\".region[data-region='Odesa']\").getBoundingClientRect(); " +
            "const l = document.querySelector(\"[data-label-for='Odesa'] text\").getBoundingClientRect(); " +
            "return [l.x + l.width / 2 - r.x, l.y + l.height / 2 - r.y]; }");
        await odesa.ClickAsync(new() { Position = new() { X = (float)offset[0], Y = (float)offset[1] } });
        await Expect(page).ToHaveURLAsync(new Regex("/Incidents\\?status=Active&oblast=Odesa$"));
        await Expect(page.Locator("table.incidents")).ToContainTextAsync("Missile strike on Odesa port");

        await page.GotoAsync("/");
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        var file = Path.Combine(BrowserFixture.ScreenshotFolder, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 10_000, "the screenshot is empty");
        TestContext.Current.SendDiagnosticMessage($"Dashboard screenshot: {file}");
    }

    [Fact]
    public async Task Wall_mode_shows_the_active_incidents_in_large_type_and_stays_live()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var wall = await context.NewPageAsync();
        await wall.GotoAsync("/Wall");
        await Expect(wall.Locator("#live-status")).ToHaveTextAsync("Live");
        var id = await app.LogIncidentAsync("Airspace violation over Sumy", DateTimeOffset.UtcNow, "Sumy");
        var card = wall.Locator($"[data-incident-id='{id}']");
        await Expect(card).ToBeAttachedAsync();

        // The shared test database holds more active incidents than a screen shows: the wall rotates through them
        // (WallModeTests), so step the rotation (directly, not on the wall clock) until the new card is in view.
        for (var step = 0; step < 100 && !await card.IsVisibleAsync(); step++)
        {
            await wall.EvaluateAsync("() => window.ceasefireWatch.wall.advance()");
        }

        await Expect(card).ToBeVisibleAsync();
        var size = await card.Locator("[data-countdown]").EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
        Assert.True(double.Parse(size.Replace("px", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) >= 36, $"the wall countdown is only {size}");
        await wall.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "wall.png") });
    }

    [Fact]
    public async Task When_the_connection_drops_the_page_says_so_reconnects_and_reloads_what_it_missed()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();

        // The push channel runs through a route this test controls: it can cut the line and keep it cut.
        IWebSocketRoute? line = null;
        var cut = false;
        await page.RouteWebSocketAsync(new Regex("/hubs/live"), async ws =>
        {
            if (cut)
            {
                await ws.CloseAsync(new() { Code = 1011, Reason = "cut by the test" });
                return;
            }

            line = ws;
            ws.ConnectToServer();
        });
        await page.GotoAsync("/");
        var status = page.Locator("#live-status");
        await Expect(status).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        cut = true;
        await line!.CloseAsync(new() { Code = 1011, Reason = "cut by the test" });
        await Expect(status).ToHaveTextAsync(new Regex("reconnecting|retrying"));
        var missed = await app.LogIncidentAsync("Shelling reported while the screen was offline", DateTimeOffset.UtcNow, "Mykolaiv");
        await Expect(page.Locator($"[data-incident-id='{missed}']")).ToHaveCountAsync(0);

        cut = false;
        await Expect(status).ToHaveTextAsync("Live", new() { Timeout = 20_000 });
        await Expect(page.Locator($"[data-incident-id='{missed}']")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), "the page reloaded instead of reconnecting");
    }

    [Fact]
    public async Task The_log_form_shows_each_rule_next_to_its_field_and_stores_nothing()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        var before = await page.APIRequest.GetAsync($"{app.BaseUrl}/api/incidents?pageSize=1");
        var totalBefore = (await before.JsonAsync())!.Value.GetProperty("total").GetInt32();

        await page.GotoAsync("/Incidents/New");
        await page.GetByLabel("Latitude").FillAsync("91");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log incident" }).ClickAsync();

        await Expect(page.Locator("[data-valmsg-for='Input.Title']")).ToHaveTextAsync("Give the incident a title.");
        await Expect(page.Locator("[data-valmsg-for='Input.OccurredAt']")).ToHaveTextAsync("Say when the violation occurred.");
        await Expect(page.Locator("[data-valmsg-for='Input.Oblast']")).ToHaveTextAsync("Pick the oblast where it happened.");
        await Expect(page.Locator("[data-valmsg-for='Input.Latitude']")).ToContainTextAsync("Latitude must be between");
        var after = await page.APIRequest.GetAsync($"{app.BaseUrl}/api/incidents?pageSize=1");
        Assert.Equal(totalBefore, (await after.JsonAsync())!.Value.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_incident_page_exports_its_timeline_as_csv()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        var id = await app.LogIncidentAsync("=HYPERLINK(\"http://x\") Гуляйполе", DateTimeOffset.UtcNow.AddHours(-30), "Zaporizhzhia");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/Incidents/{id}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("=HYPERLINK(\"http://x\") Гуляйполе");
        // 30 h late under the short test policy: every tier has passed, each entered once.
        await Expect(page.Locator(".timeline [data-kind='StageEntered']")).ToHaveCountAsync(3);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByText("Export timeline (CSV)").ClickAsync());
        var path = Path.Combine(BrowserFixture.ScreenshotFolder, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var csv = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.StartsWith("incident_reference,incident_title,at_utc,kind,stage,actor,details,due_at_utc", csv, StringComparison.Ordinal);
        Assert.Contains("'=HYPERLINK", csv, StringComparison.Ordinal);
        Assert.Contains("Гуляйполе", csv, StringComparison.Ordinal);
    }

    private static int Seconds(string countdown)
    {
        var parts = countdown.Split(' ');
        var days = parts.Length == 2 ? int.Parse(parts[0].TrimEnd('d'), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var clock = TimeSpan.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture);
        return (days * 86400) + (int)clock.TotalSeconds;
    }

    [GeneratedRegex("^(\\d+d )?\\d{2}:\\d{2}:\\d{2}$")]
    private static partial Regex CountdownFormat();
}

[CollectionDefinition(nameof(BrowserTestGroup))]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>;
