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

    [Fact]
    public async Task More_incidents_than_fit_are_shown_in_turn()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        for (var i = 0; i < 14; i++)
        {
            await app.LogIncidentAsync($"Rotation incident {i}", DateTimeOffset.UtcNow.AddSeconds(-i), "Luhansk");
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
