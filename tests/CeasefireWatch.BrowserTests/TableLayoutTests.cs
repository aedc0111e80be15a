using Microsoft.Playwright;

namespace CeasefireWatch.BrowserTests;

/// <summary>
/// Tables on a laptop screen: a short value or a heading keeps its words whole, and a long unbroken text someone typed
/// wraps inside its cell rather than pushing the page sideways.
/// </summary>
[Collection(nameof(BrowserTestGroup))]
public sealed class TableLayoutTests(BrowserFixture app)
{
    private static readonly ViewportSize Laptop = new() { Width = 1280, Height = 800 };

    // Every word of a cell that is not typed text (class "text") and of every heading, measured by the lines its
    // letters lie on; a word on two lines was broken inside. Visually hidden headings are one pixel wide by design.
    private const string WordsBrokenInCells = """
        () => {
          const broken = [];
          for (const cell of document.querySelectorAll('main td:not(.text), main th')) {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode());) {
              if (node.parentElement.closest('.visually-hidden')) continue;
              for (const word of node.data.matchAll(/\S+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (lines.size > 1) broken.push(word[0]);
              }
            }
          }
          return broken.slice(0, 5).join(' ');
        }
        """;

    [Fact]
    public async Task Short_values_and_headings_keep_their_words_whole_and_a_long_typed_title_wraps_inside_the_page()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        var id = await app.LogIncidentAsync("Shelling of Kupiansk", DateTimeOffset.UtcNow.AddSeconds(-5));
        await app.LogIncidentAsync(new string('W', 200), DateTimeOffset.UtcNow.AddSeconds(-4));
        var problems = new List<string>();
        await using var context = await app.SignedInContextAsync(Laptop);
        var page = await context.NewPageAsync();

        foreach (var path in Pages.SignedIn(id))
        {
            await page.GotoAsync(path);
            var broken = await page.EvaluateAsync<string>(WordsBrokenInCells);
            if (broken.Length > 0)
            {
                problems.Add($"{path}: words broken inside: {broken}");
            }

            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (width > Laptop.Width)
            {
                var widest = await page.EvaluateAsync<string>(
                    "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)" +
                    ".slice(-3).map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40)).join(', ')");
                problems.Add($"{path}: {width} px wide ({widest})");
            }
        }

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }
}
