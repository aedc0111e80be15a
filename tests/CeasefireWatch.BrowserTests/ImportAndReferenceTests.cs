using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CeasefireWatch.BrowserTests;

/// <summary>In Chromium, under the real CSP: an import with its progress bar and result in place, and the API reference.</summary>
[Collection(nameof(BrowserTestGroup))]
public sealed class ImportAndReferenceTests(BrowserFixture app)
{
    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_import_shows_progress_then_the_replay_summary_in_place_and_a_bad_file_its_lines()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };
        await page.GotoAsync("/Incidents/Import");

        var csv = new StringBuilder("title,occurred_at,ceased_at,oblast\r\n");
        for (var i = 0; i < 2000; i++)
        {
            var t0 = DateTimeOffset.UtcNow.AddDays(-30).AddMinutes(-i);
            // The fixture's windows are 30 s and 90 s: a third last 60 s (past tier 2), the rest 10 s.
            csv.Append(CultureInfo.InvariantCulture, $"Browser import {i},{Iso(t0)},{Iso(t0.AddSeconds(i % 3 == 0 ? 60 : 10))},Poltavska oblast\r\n");
        }

        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "alerts.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        await page.Locator("form[data-import-form] button[type=submit]").ClickAsync();

        // Shown in place, without a page load: the URL and the form stay, the summary arrives.
        await Expect(page.Locator("#import-result [data-imported]")).ToHaveAttributeAsync("data-imported", "2000", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-import-status]")).ToHaveTextAsync("Done.");
        await Expect(page.Locator("table[data-replay=oblast] tr[data-key=Poltava] td").First).ToHaveTextAsync("2000");
        await Expect(page.Locator("table[data-replay=total] tr[data-stage=Coalition] td").First).ToHaveTextAsync("667");

        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "bad.csv", MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes($"title,occurred_at,oblast\r\nOk,{Iso(DateTimeOffset.UtcNow.AddHours(-1))},Sumy\r\nBad,{Iso(DateTimeOffset.UtcNow.AddHours(-1))},Gondor\r\n"),
        });
        await page.Locator("form[data-import-form] button[type=submit]").ClickAsync();
        await Expect(page.Locator("#import-result tr[data-bad-line='3']")).ToContainTextAsync("Gondor");
        Assert.Empty(blocked);
    }

    /// <summary>
    /// A file over the limit is refused by the page's script at once, without uploading it (the server answered it with a
    /// bare 400 after the upload, which the script showed as "The import failed (HTTP 400)").
    /// </summary>
    [Fact]
    public async Task A_file_over_the_limit_is_refused_before_it_is_uploaded()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Incidents/Import");
        var posted = 0;
        page.Request += (_, request) => posted += request.Method == "POST" ? 1 : 0;
        var path = Path.Combine(Path.GetTempPath(), $"cw-too-large-{Guid.NewGuid():N}.csv");
        try
        {
            await using (var file = File.Create(path))
            {
                file.SetLength(CeasefireWatch.Web.Features.Import.ImportIncidents.MaxBytes + 1);
            }

            await page.Locator("input[type=file]").SetInputFilesAsync(path);
            await page.Locator("form[data-import-form] button[type=submit]").ClickAsync();

            await Expect(page.Locator("[data-import-status]")).ToHaveTextAsync("The file is too large to import at once; split it.");
            Assert.Equal(0, posted);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_acled_export_imported_over_an_earlier_one_says_in_place_how_many_events_were_there_already()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Incidents/Import");
        const string Header = "event_id_cnty,event_date,event_type,sub_event_type,actor1,admin1,location,latitude,longitude,fatalities,notes\r\n";
        static string Event(int n) => $"UKR7{n:00000},2024-09-0{n},Battles,Armed clash,Military Forces of Russia (2000-),Donetsk,Place {n},48.0,37.8,0,Clash.\r\n";

        async Task ImportAsync(string name, string csv)
        {
            await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
            await page.Locator("form[data-import-form] button[type=submit]").ClickAsync();
        }

        await ImportAsync("week-1.csv", Header + Event(1) + Event(2) + Event(3));
        await Expect(page.Locator("#import-result [data-imported]")).ToHaveAttributeAsync("data-imported", "3", new() { Timeout = 30_000 });
        await Expect(page.Locator("#import-result [data-already-imported]")).ToHaveCountAsync(0);

        await ImportAsync("week-2.csv", Header + Event(2) + Event(3) + Event(4));
        await Expect(page.Locator("#import-result [data-imported]")).ToHaveAttributeAsync("data-imported", "1", new() { Timeout = 30_000 });
        await Expect(page.Locator("#import-result [data-already-imported]"))
            .ToHaveTextAsync("2 of the file's 3 event(s) were imported before and are left as they are.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "import-again.png"), FullPage = true });
    }

    [Fact]
    public async Task The_api_reference_renders_the_document_offline_under_the_csp()
    {
        Assert.SkipUnless(BrowserFixture.ChromiumAvailable, "Chromium is not installed (apt-get install chromium).");
        await using var context = await app.SignedInContextAsync();
        var page = await context.NewPageAsync();
        var offSite = new List<string>();
        page.RequestFinished += (_, request) =>
        {
            if (!request.Url.StartsWith(app.BaseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                offSite.Add(request.Url);
            }
        };
        var blocked = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                blocked.Add(message.Text);
            }
        };

        await page.GotoAsync("/");
        await page.Locator("footer a[href='/api-reference']").ClickAsync();

        // The document's own words, and its operations in the sidebar, rendered from /openapi/v1.json.
        await Expect(page.GetByText("Ceasefire-violation incidents and their escalation").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("aside, [role=complementary]").Last).ToContainTextAsync("Import", new() { Timeout = 15_000 });
        // Nothing is fetched from another server. Scalar still asks for its CDN fonts whatever its options say; the CSP
        // (font-src 'self') stops those, and only those, and the page uses the system's fonts (docs/operations.md).
        Assert.True(offSite.Count == 0, $"fetched off-site: {string.Join(", ", offSite)}");
        Assert.All(blocked, message => Assert.Contains("font 'https://fonts.scalar.com/", message, StringComparison.Ordinal));
    }
}
