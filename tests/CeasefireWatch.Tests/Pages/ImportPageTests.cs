using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CeasefireWatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Imports;

namespace CeasefireWatch.Tests.Pages;

/// <summary>/Incidents/Import as a plain multipart form (no script): the replay summary, the bad-line table, roles.</summary>
public sealed class ImportPageTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> PostFileAsync(HttpClient person, string csv, bool dryRun = false, bool withToken = true)
    {
        var token = Browser.Token(await person.GetHtmlAsync("/Incidents/Import"));
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var form = new MultipartFormDataContent { { file, "file", "incidents.csv" } };
        if (withToken)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }

        if (dryRun)
        {
            form.Add(new StringContent("true"), "DryRun");
        }

        return await person.PostAsync(new Uri("/Incidents/Import", UriKind.Relative), form, Ct);
    }

    [Fact]
    public async Task An_analyst_imports_a_file_and_sees_the_replay_by_tier_oblast_and_month()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var csv = "title,occurred_at,ceased_at,oblast\r\n"
            + Line("Page long", Iso(app.Now.AddDays(-40)), Iso(app.Now.AddDays(-36)), "Chernihivska oblast")
            + Line("Page short", Iso(app.Now.AddDays(-40)), Iso(app.Now.AddDays(-40).AddHours(2)), "Чернігівська область");

        using var response = await PostFileAsync(person, csv);
        var html = await response.HtmlAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-imported=\"2\"", html, StringComparison.Ordinal);
        Assert.Matches("<tr data-stage=\"UsBackstop\"><th scope=\"row\">[^<]*</th><td data-label=\"Reached\">1</td><td data-label=\"Highest tier\">1</td></tr>", html);
        Assert.DoesNotContain("<td>", html, StringComparison.Ordinal);
        Assert.Matches("<tr data-key=\"Chernihiv\">\\s*<th scope=\"row\">Chernihiv</th><td data-label=\"Incidents\">2</td>", html);
        Assert.Contains("data-key=\"2025-12\"", html, StringComparison.Ordinal);
        Assert.Contains("<progress data-import-progress", html, StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Title.StartsWith("Page "), Ct)));
    }

    [Fact]
    public async Task An_empty_file_is_a_field_message_that_says_so()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");

        using var response = await PostFileAsync(person, string.Empty);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The file is empty: there is nothing to import.", PageForms.Summary(await response.HtmlAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_shows_every_bad_line_and_imports_nothing()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var csv = "title,occurred_at,ceased_at,oblast\r\n"
            + Line("Bad page 1", "not a time", null, "Sumy")
            + Line("Bad page 2", Iso(app.Now.AddDays(-1)), null, "Narnia");

        using var response = await PostFileAsync(person, csv);
        var html = await response.HtmlAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<tr data-bad-line=\"2\"><td data-label=\"Line\">2</td><td data-label=\"Column\">occurred_at</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-bad-line=\"3\"><td data-label=\"Line\">3</td><td data-label=\"Column\">oblast</td>", html, StringComparison.Ordinal);
        // A phone shows each row as a card: a cell without its column's name was a bare "3".
        Assert.DoesNotContain("<td>", html, StringComparison.Ordinal);
        Assert.Contains("Narnia", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Title.StartsWith("Bad page"), Ct)));
    }

    [Fact]
    public async Task A_dry_run_writes_nothing_and_says_what_would_be_imported()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        using var response = await PostFileAsync(person, "title,occurred_at,oblast\r\n" + Line("Dry page", Iso(app.Now.AddHours(-1)), "Sumy"), dryRun: true);

        Assert.Contains("Dry run: 1 incident(s) would be imported", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Title == "Dry page", Ct)));
    }

    [Fact]
    public async Task An_acled_export_that_overlaps_an_earlier_one_says_how_many_of_its_events_were_there_already()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var earlier = Acled("UKR900001", "2024-06-01", "Battles", "Armed clash", "Kharkiv", "Vovchansk", "50.29", "36.94", "Clash.", "0");
        var later = Acled("UKR900002", "2024-06-02", "Battles", "Armed clash", "Kharkiv", "Lyptsi", "50.20", "36.43", "Clash.", "0");
        using var first = await PostFileAsync(person, AcledHeader + earlier);
        Assert.Contains("data-imported=\"1\"", await first.HtmlAsync(), StringComparison.Ordinal);

        using var dryRun = await PostFileAsync(person, AcledHeader + earlier + later, dryRun: true);
        var dryHtml = await dryRun.HtmlAsync();
        Assert.Contains("Dry run: 1 incident(s) would be imported (Acled)", dryHtml, StringComparison.Ordinal);
        Assert.Contains("<p data-already-imported=\"1\">1 of the file&#x27;s 2 event(s) were imported before and are left as they are.</p>", dryHtml, StringComparison.Ordinal);

        using var second = await PostFileAsync(person, AcledHeader + earlier + later);
        var html = await second.HtmlAsync();
        Assert.Contains("data-imported=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("data-already-imported=\"1\"", html, StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.ExternalReference!.StartsWith("ACLED:UKR9000"), Ct)));
    }

    [Fact]
    public async Task An_incidents_file_sent_again_says_its_rows_are_stored_already_and_adds_nothing()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var file = "title,occurred_at,oblast,location\r\n" + Line("Sent twice", Iso(app.Now.AddHours(-3)), "Sumy", "Shostka");
        using var first = await PostFileAsync(person, file);
        Assert.Contains("data-imported=\"1\"", await first.HtmlAsync(), StringComparison.Ordinal);

        using var again = await PostFileAsync(person, file);
        var html = await again.HtmlAsync();
        Assert.Contains("data-imported=\"0\"", html, StringComparison.Ordinal);
        Assert.Contains(
            "<p data-already-imported=\"1\">1 of the file&#x27;s 1 row(s) are stored already (the same first violation, title, region and place) and are left as they are.</p>",
            html, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Title == "Sent twice", Ct)));
    }

    [Fact]
    public async Task A_viewer_may_not_open_it_and_a_post_without_the_token_is_refused()
    {
        var viewer = await app.SignedInAsRoleAsync("Viewer");
        using var page = await viewer.GetAsync(new Uri("/Incidents/Import", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);

        var analyst = await app.SignedInAsRoleAsync("Analyst");
        using var response = await PostFileAsync(analyst, "title,occurred_at,oblast\r\n" + Line("No token", Iso(app.Now.AddHours(-1)), "Sumy"), withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Title == "No token", Ct)));
    }

    [Fact]
    public async Task The_list_offers_the_incidents_export_with_its_filters_and_for_excel()
    {
        var person = await app.SignedInAsRoleAsync("Viewer");
        var html = await person.GetHtmlAsync("/Incidents?oblast=Sumy&status=Active");

        Assert.Contains("href=\"/api/incidents.csv?status=Active&amp;oblast=Sumy\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/api/incidents.csv?status=Active&amp;oblast=Sumy&amp;bom=true\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Incidents/Import\"", html, StringComparison.Ordinal);
    }
    [Fact]
    public async Task A_file_of_too_many_rows_is_a_field_message_that_says_to_split_it()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var row = $"t,{Iso(app.Now.AddDays(-1))},Sumy\r\n";
        var csv = "title,occurred_at,oblast\r\n" + string.Concat(Enumerable.Repeat(row, Web.Features.Import.ImportIncidents.MaxRows + 1));

        using var response = await PostFileAsync(person, csv, dryRun: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("more than 200000 rows", PageForms.Summary(await response.HtmlAsync()), StringComparison.Ordinal);
    }
    /// <summary>
    /// Found from outside: a file over the limit sent through the page (no script) was answered "Error 400 · The request
    /// could not be completed" (the antiforgery check could not read the form), and the page's script, which counts on a
    /// 413, said "The import failed (HTTP 400)". It is a 413 before the body is read, and the page says what to do.
    /// </summary>
    [Fact]
    public async Task A_file_over_the_size_limit_is_a_413_page_that_says_to_split_it()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var row = $"t,{Iso(app.Now.AddDays(-1))},Sumy\r\n";
        var csv = "title,occurred_at,oblast\r\n" + string.Concat(Enumerable.Repeat(row, (int)(Web.Features.Import.ImportIncidents.MaxBytes / row.Length) + 50_000));

        using var response = await PostFileAsync(person, csv);
        var html = await response.HtmlAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("The file is too large", html, StringComparison.Ordinal);
        Assert.Contains("at most 50 MB", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/Incidents/Import\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(i => i.Title == "t", Ct)));
    }
    /// <summary>
    /// Found from outside: on the page in Ukrainian, the bad-line table mixed languages: the live report's rules read in
    /// Ukrainian, but every message of the file reader itself (a time without an offset, a number, a region, the line's
    /// columns, broken quoting, an unknown header) in English.
    /// </summary>
    [Fact]
    public async Task The_bad_lines_and_the_header_problem_read_in_Ukrainian()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        person.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk");
        var csv = "title,occurred_at,oblast,latitude,longitude,killed\r\n"
            + Line("Без зсуву", "2026-02-01T06:00:00", "Sumy", null, null, null)
            + Line("Число", Iso(app.Now.AddDays(-1)), "Narnia", "north", "34.8", "-1")
            + "Коротко,1\r\n";

        var html = await (await PostFileAsync(person, csv, dryRun: true)).HtmlAsync();
        var header = await (await PostFileAsync(person, "name,date\r\nx,y\r\n", dryRun: true)).HtmlAsync();

        Assert.Contains("не час зі зсувом", html, StringComparison.Ordinal);
        Assert.Contains("не регіон України", html, StringComparison.Ordinal);
        Assert.Contains("не число", html, StringComparison.Ordinal);
        Assert.Contains("не ціла кількість людей", html, StringComparison.Ordinal);
        Assert.Contains("Рядок має стовпців: 2", html, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a", html, StringComparison.Ordinal);
        Assert.Contains("Невідомий формат", header, StringComparison.Ordinal);
        Assert.Contains("Заголовок має називати стовпці", header, StringComparison.Ordinal);
    }
    [Fact]
    public async Task A_file_of_very_many_bad_lines_lists_the_first_thousand_and_says_how_many_more()
    {
        var person = await app.SignedInAsRoleAsync("Analyst");
        var csv = "title,occurred_at,oblast\r\n" + string.Concat(Enumerable.Range(1, 1200).Select(n => Line($"Bad {n}", "yesterday", "Sumy")));

        var html = await (await PostFileAsync(person, csv, dryRun: true)).HtmlAsync();

        Assert.Equal(1000, System.Text.RegularExpressions.Regex.Count(html, "<tr data-bad-line="));
        Assert.Contains("data-bad-lines-not-shown=\"200\"", html, StringComparison.Ordinal);
        Assert.Contains("The first 1000 of 1200 problems are shown.", html, StringComparison.Ordinal);
    }
}
