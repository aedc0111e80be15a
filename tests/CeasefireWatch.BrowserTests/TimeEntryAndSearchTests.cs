using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CeasefireWatch.BrowserTests;

/// <summary>Typing a time as people in Kyiv read it, and finding and sorting incidents.</summary>
[Collection(nameof(BrowserTestGroup))]
public sealed class TimeEntryAndSearchTests(BrowserFixture app)
{
    private static readonly ViewportSize Desktop = new() { Width = 1400, Height = 1000 };

    [Fact]
    public async Task A_time_typed_day_month_year_in_Kyiv_time_the_default_is_stored_as_the_UTC_instant_it_names()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync(Desktop);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Incidents/New");

        // Kyiv is preselected and plain to see.
        var kyiv = page.GetByLabel("Kyiv time (EET/EEST)");
        await Expect(kyiv).ToBeCheckedAsync();
        Assert.True((await kyiv.BoundingBoxAsync())!.Height >= 18);

        // Two hours ago, to the minute, written as Kyiv's wall clock shows it.
        var utc = DateTime.UtcNow.AddHours(-2);
        utc = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc);
        var kyivWallClock = TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Kyiv"));
        var title = $"Kyiv entry {Guid.NewGuid():N}"[..24];
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("When the violation occurred").FillAsync(kyivWallClock.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture));
        await page.GetByLabel("Oblast").SelectOptionAsync("Kharkiv");
        await page.GetByLabel("Settlement or location").FillAsync("Куп'янськ");
        await page.GetByLabel("Violation type").SelectOptionAsync("Shelling");
        await page.GetByLabel("Severity").SelectOptionAsync("Serious");
        await page.GetByLabel("Source", new() { Exact = true }).SelectOptionAsync("UkrainianForces");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log incident" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/Incidents/\\d+$"));

        var id = page.Url.Split('/')[^1];
        using var incident = JsonDocument.Parse(await app.Api.GetStringAsync($"/api/incidents/{id}", TestContext.Current.CancellationToken));
        Assert.Equal(utc, incident.RootElement.GetProperty("occurredAt").GetDateTime().ToUniversalTime());
        // The page shows it back in Kyiv time, day first.
        await Expect(page.Locator(".status-panel")).ToContainTextAsync(kyivWallClock.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture) + ":00 Kyiv");
    }

    [Fact]
    public async Task Search_and_sort_the_list_and_keep_both_in_the_address()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var alpha = await app.LogIncidentAsync($"Alpha {tag}", DateTimeOffset.UtcNow.AddSeconds(-30));
        var charlie = await app.LogIncidentAsync($"Charlie {tag}", DateTimeOffset.UtcNow.AddSeconds(-20));
        var bravo = await app.LogIncidentAsync($"Bravo {tag}", DateTimeOffset.UtcNow.AddSeconds(-10));
        await using var context = await app.SignedInContextAsync(Desktop);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Incidents");

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search" }).FillAsync(tag);
        await page.Locator("form.filters button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"q={tag}"));
        Assert.Equal([bravo, charlie, alpha], await RowsAsync(page));  // newest first violation first

        await page.Locator("th[data-sort-key=title] a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"q={tag}.*sort=title"));
        await Expect(page.Locator("th[data-sort-key=title]")).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal([alpha, bravo, charlie], await RowsAsync(page));

        await page.Locator("th[data-sort-key=title] a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sort=-title"));
        await Expect(page.Locator("th[data-sort-key=title]")).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.Equal([charlie, bravo, alpha], await RowsAsync(page));

        // The address alone brings the same list back.
        var again = await context.NewPageAsync();
        await again.GotoAsync(page.Url);
        Assert.Equal([charlie, bravo, alpha], await RowsAsync(again));
        await Expect(again.GetByRole(AriaRole.Searchbox, new() { Name = "Search" })).ToHaveValueAsync(tag);
    }

    private static async Task<int[]> RowsAsync(IPage page) =>
        [.. (await page.Locator("table.incidents tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.incidentId)"))
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))];
}
