using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CeasefireWatch.BrowserTests;

/// <summary>The wall for an operations room: the most urgent countdowns in view without scrolling, then the rest in turn.</summary>
[Collection(nameof(BrowserTestGroup))]
public sealed class WallModeTests(BrowserFixture app)
{
    [Theory]
    [InlineData(1920, 1080)]
    [InlineData(3840, 2160)]
    public async Task The_most_urgent_countdowns_are_in_view_without_scrolling(int width, int height)
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        // Tier 2 falls due in about 20 s for the most urgent, later for the others: all at tier 1 with a countdown running.
        var ids = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await app.LogIncidentAsync($"Wall incident {i}", DateTimeOffset.UtcNow - BrowserFixture.Tier2After + TimeSpan.FromSeconds(20 + i), "Donetsk"));
        }

        await using var context = await app.SignedInContextAsync(new ViewportSize { Width = width, Height = height });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Wall");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Active incidents, most urgent first");
        var first = page.Locator("#wall-cards .cards > li:not([hidden])").First;
        var countdown = first.Locator("[data-countdown]");
        await Expect(countdown).ToBeVisibleAsync();
        await Expect(countdown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(\\d\\d:\\d\\d:\\d\\d|due)$"));
        var box = await BoxAsync(countdown);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= height, $"the first countdown is at y {box.Y}–{box.Y + box.Height} of {height}");
        // Large enough to read across a room: at least 40 px at 1920×1080.
        await Expect(countdown).ToBeVisibleAsync();
        var fontSize = double.Parse((await page.EvaluateAsync<string>(
            "() => getComputedStyle(document.querySelector('#wall-cards .cards > li:not([hidden]) [data-countdown]')).fontSize"))
            .Replace("px", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(fontSize >= 40 * width / 1920.0 * 0.9, $"countdown type is {fontSize} px");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollTop"));
        // The map sits beside the cards, smaller than they are.
        var map = await BoxAsync(page.Locator("#wall-summary .map"));
        var cards = await BoxAsync(page.Locator("#wall-cards"));
        Assert.True(map.X > cards.X && map.Width < cards.Width, $"map at x {map.X} width {map.Width}, cards at x {cards.X} width {cards.Width}");
        // Every card shown lies inside the screen.
        var below = await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('#wall-cards .cards > li:not([hidden])')].filter(c => c.getBoundingClientRect().bottom > window.innerHeight).length");
        Assert.Equal(0, below);
        // Below the cards the screen is the wall's dark too, not the light page behind it.
        Assert.Equal("rgb(13, 17, 23)", await page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).backgroundColor"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"wall-{width}x{height}.png") });
    }

    /// <summary>
    /// The element's box. A pushed update swaps the wall's regions in place (other tests' incidents enter tiers all the
    /// time), and a box read in that instant is null: read it again from the fresh element.
    /// </summary>
    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator)
    {
        for (var attempt = 0; ; attempt++)
        {
            await locator.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            if (await locator.BoundingBoxAsync() is { } box)
            {
                return box;
            }

            Assert.True(attempt < 5, "the element kept being replaced");
        }
    }

    /// <summary>
    /// A tier alert's banner appears above the cards and pushes them down; dismissed, it frees the space again. The
    /// wall fits its cards again in the same moment: read in the observer of the banners (which runs right after the
    /// change, before anything else can), no shown card reaches below the screen and no card that would fit is held back.
    /// </summary>
    [Fact]
    public async Task A_tier_alert_coming_or_going_leaves_the_shown_cards_on_the_screen_and_none_held_back()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        // Past every tier already: they enter all three at once and never again, so they raise no banners later in
        // the other tests that share this app.
        for (var i = 0; i < 12; i++)
        {
            await app.LogIncidentAsync($"Crowded wall incident {i}", DateTimeOffset.UtcNow - BrowserFixture.Tier3After - TimeSpan.FromSeconds(10 + i), "Sumy");
        }

        await using var context = await app.SignedInContextAsync(new ViewportSize { Width = 1920, Height = 1080 });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Wall");
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("Live");
        await Expect(page.Locator("#wall-rotation")).ToContainTextAsync("Showing 1–");
        await page.EvaluateAsync("""
            () => {
              window.wallAtAlert = [];
              const cards = () => [...document.querySelectorAll('#wall-cards .cards > li')];
              new MutationObserver(() => {
                const all = cards();
                const shown = all.filter(c => !c.hidden);
                const below = shown.filter(c => c.getBoundingClientRect().bottom > window.innerHeight).length;
                // Would the next card in line have fitted? Shown for a moment, measured, hidden again.
                const next = all[all.indexOf(shown[shown.length - 1]) + 1];
                let heldBack = false;
                if (next && next.hidden) {
                  next.hidden = false;
                  heldBack = next.getBoundingClientRect().bottom <= window.innerHeight - 8;
                  next.hidden = true;
                }
                window.wallAtAlert.push({ banners: document.querySelectorAll('.stage-alert').length, shown: shown.length, below, heldBack });
              }).observe(document.querySelector('#stage-alerts [role=alert]'), { childList: true });
            }
            """);

        // Reported late: tier 2 is already due, so it enters at once and every live page shows a banner.
        var id = await app.LogIncidentAsync("Late report on a crowded wall", DateTimeOffset.UtcNow - BrowserFixture.Tier2After - TimeSpan.FromSeconds(10), "Sumy");
        var banner = page.Locator($".stage-alert[data-alert-incident-id='{id}']");
        await Expect(banner).ToBeAttachedAsync(new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "wall-with-alert.png") });
        // Dispatched rather than clicked: other tests' incidents enter tiers too, and the wall shows only the two
        // newest banners, so this one may already be hidden behind theirs.
        await banner.Locator("button.dismiss").DispatchEventAsync("click");
        await Expect(banner).ToHaveCountAsync(0);

        var seen = await page.EvaluateAsync<JsonElement>("() => window.wallAtAlert");
        Assert.True(seen.GetArrayLength() >= 2, $"the banner's coming and going were not both observed: {seen}");
        foreach (var moment in seen.EnumerateArray())
        {
            Assert.True(moment.GetProperty("shown").GetInt32() >= 1, $"no card shown: {seen}");
            Assert.True(moment.GetProperty("below").GetInt32() == 0, $"a shown card reaches below the screen: {seen}");
            Assert.False(moment.GetProperty("heldBack").GetBoolean(), $"a card that fits was held back: {seen}");
        }
    }

    [Fact]
    public async Task More_incidents_than_fit_are_shown_in_turn()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        // Past every tier already, as in the test above: no banners from these later in other tests.
        for (var i = 0; i < 14; i++)
        {
            await app.LogIncidentAsync($"Rotation incident {i}", DateTimeOffset.UtcNow - BrowserFixture.Tier3After - TimeSpan.FromSeconds(10 + i), "Luhansk");
        }

        await using var context = await app.SignedInContextAsync(new ViewportSize { Width = 1920, Height = 1080 });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Wall");
        var shown = page.Locator("#wall-cards .cards > li:not([hidden])");
        await Expect(page.Locator("#wall-rotation")).ToContainTextAsync("Showing 1–");
        var firstBefore = await shown.First.GetAttributeAsync("data-incident-id");
        var total = await page.Locator("#wall-cards .cards > li").CountAsync();
        Assert.True(await shown.CountAsync() < total, "every card fits: nothing to rotate");

        // The rotation's next step, called directly rather than waited for on the wall clock.
        await page.EvaluateAsync("() => window.ceasefireWatch.wall.advance()");

        await Expect(page.Locator("#wall-rotation")).Not.ToContainTextAsync("Showing 1–");
        Assert.NotEqual(firstBefore, await shown.First.GetAttributeAsync("data-incident-id"));
    }
}
