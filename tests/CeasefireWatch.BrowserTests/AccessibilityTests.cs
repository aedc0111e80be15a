using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CeasefireWatch.BrowserTests;

/// <summary>axe-core finds no violation on any page, the wall and a form showing its errors included, in English and in Ukrainian.</summary>
[Collection(nameof(BrowserTestGroup))]
public sealed class AccessibilityTests(BrowserFixture app)
{
    private static readonly ViewportSize Desktop = new() { Width = 1400, Height = 1000 };

    [Theory]
    [InlineData("en-US")]
    [InlineData("uk-UA")]
    public async Task No_page_has_an_axe_violation(string locale)
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        var id = await app.LogIncidentAsync("Missile strike on Odesa port (axe)", DateTimeOffset.UtcNow.AddSeconds(-5), "Odesa");
        var problems = new List<string>();

        await using (var signedIn = await app.SignedInContextAsync(Desktop, locale))
        {
            var page = await signedIn.NewPageAsync();
            foreach (var path in Pages.SignedIn(id))
            {
                await page.GotoAsync(path);
                problems.AddRange(await ViolationsAsync(page, path, locale));
            }

            // A form that was refused: the error summary, the invalid fields and their messages.
            await page.GotoAsync("/Incidents/New");
            await page.Locator("main form.report-form button[type=submit]").ClickAsync();
            await page.Locator("[data-error-summary]").WaitForAsync();
            problems.AddRange(await ViolationsAsync(page, "/Incidents/New (refused)", locale));
        }

        await using (var signedOut = await app.NewContextAsync(Desktop, locale))
        {
            var page = await signedOut.NewPageAsync();
            foreach (var path in Pages.SignedOut)
            {
                await page.GotoAsync(path);
                problems.AddRange(await ViolationsAsync(page, path, locale));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static async Task<IEnumerable<string>> ViolationsAsync(IPage page, string path, string locale)
    {
        Assert.Equal(locale[..2], await page.Locator("html").GetAttributeAsync("lang"));
        AxeResult result = await page.RunAxe();
        return result.Violations.Select(v =>
            $"{locale} {path}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" ; ", v.Nodes.Take(3).Select(n => n.Html))}");
    }
}
