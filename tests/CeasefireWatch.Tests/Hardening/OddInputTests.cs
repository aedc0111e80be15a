using System.Net;
using System.Text;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: NUL and other control characters stored in titles, <c>"killed":"5"</c> taken as 5, the form
/// reading <c>Killed=0x10</c> as 16, and a NUL in a form field answering a bare 400 that lost the input. Plus the
/// smaller findings: 403s logged as errors, API answers cacheable, a framework page that rounded short windows to
/// "0m", and a frightening warning on every first start.
/// </summary>
public sealed class OddInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("title", "Shelling\u0000 of Huliaipole")]
    [InlineData("title", "Shelling \u001b[31m red")]
    [InlineData("location", "Гуляйполе\u0007")]
    [InlineData("description", "Fire\u0085 on the outskirts")]
    [InlineData("title", "Shelling \u202Eevil\u202C near Sumy")]   // a direction override: the text displays reordered
    [InlineData("location", "Sumy\u2067x\u2069")]                  // a direction isolate
    public async Task A_control_character_in_a_text_field_is_a_400_naming_the_field_and_nothing_is_stored(string field, string text)
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await app.PostIncidentAsync(app.CreateApiClient(), change: b => b[field] = text);

        var errors = await Problems.AssertValidationProblemAsync(response, field);
        Assert.Contains("control character", errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task Tabs_and_line_breaks_are_text_and_are_kept()
    {
        await using var app = new CeasefireWatchFactory();
        var incident = await app.LogIncidentAsync(app.CreateApiClient(), change: b => b["description"] = "First line\r\nsecond\tline");
        Assert.Equal("First line\r\nsecond\tline", incident.Description);
    }

    [Theory]
    [InlineData("killed", "\"5\"")]
    [InlineData("wounded", "\"2\"")]
    [InlineData("latitude", "\"47.6\"")]
    public async Task A_number_sent_as_text_is_a_400_naming_the_field(string field, string json)
    {
        await using var app = new CeasefireWatchFactory();
        var body = CeasefireWatchFactory.IncidentBody(app.Now);
        body.Remove(field);
        var text = System.Text.Json.JsonSerializer.Serialize(body, CeasefireWatchFactory.Json).TrimEnd('}') + $",\"{field}\":{json}}}";
        using var content = new StringContent(text, Encoding.UTF8, "application/json");

        using var response = await app.CreateApiClient().PostAsync("/api/incidents", content, Ct);

        await Problems.AssertValidationProblemAsync(response, field);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("0x10")]
    [InlineData("1e3")]
    [InlineData("16.0")]
    public async Task The_form_reads_numbers_only_as_plain_digits(string killed)
    {
        await using var app = new CeasefireWatchFactory();
        var analyst = await app.SignedInAsRoleAsync(Roles.Analyst);

        using var response = await analyst.PostFormAsync("/Incidents/New", "/Incidents/New", [.. ValidForm(app), ("Input.Killed", killed)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("must be a whole number", Browser.FieldError(await response.HtmlAsync(), "Input.Killed"), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_nul_in_a_form_field_is_a_message_by_that_field_and_the_rest_of_the_form_is_kept()
    {
        await using var app = new CeasefireWatchFactory();
        var analyst = await app.SignedInAsRoleAsync(Roles.Analyst);

        using var response = await analyst.PostFormAsync("/Incidents/New", "/Incidents/New",
            [.. ValidForm(app).Where(f => f.Name != "Input.Title"), ("Input.Title", "Shelling\0 of Huliaipole")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains("control character", Browser.FieldError(html, "Input.Title"), StringComparison.Ordinal);
        Assert.Contains("value=\"Kupiansk checkpoint\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    // The Request Delegate Generator answers a nullable number or flag in the query that does not parse with a bare 400
    // naming nothing (it ignores ThrowOnBadRequest there), so the API binds them as text and reads them itself.
    [Theory]
    [InlineData("/api/incidents?page=abc", "page")]
    [InlineData("/api/incidents?page=abc&pageSize=99999999999", "page", "pageSize")]
    [InlineData("/api/incidents?status=Active&pageSize=1.5", "pageSize")]
    [InlineData("/api/notifications?page=1&pageSize=ten", "pageSize")]
    [InlineData("/api/timeline.csv?bom=maybe", "bom")]
    [InlineData("/api/incidents.csv?oblast=Sumy&bom=1", "bom")]
    [InlineData("/api/incidents/1/timeline.csv?bom=yes", "bom")]
    public async Task A_query_value_that_does_not_parse_is_a_400_naming_each_bad_parameter(string path, params string[] parameters)
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await app.CreateApiClient().GetAsync(path, Ct);

        var errors = await Problems.AssertValidationProblemAsync(response, parameters);
        foreach (var parameter in parameters)
        {
            Assert.Contains($"'{parameter}' must be", errors.GetProperty(parameter)[0].GetString(), StringComparison.Ordinal);
        }
    }

    // One answer names every bad value of the query: those read as text beside the ones the request's validator checks.
    [Theory]
    [InlineData("/api/incidents?status=Nope&page=abc", "status", "page")]
    [InlineData("/api/incidents?from=yesterday&stage=Nope&pageSize=ten", "from", "stage", "pageSize")]
    [InlineData("/api/notifications?page=abc&pageSize=0", "page", "pageSize")]
    [InlineData("/api/timeline.csv?status=Nope&bom=maybe", "status", "bom")]
    [InlineData("/api/incidents.csv?to=soon&bom=1", "to", "bom")]
    public async Task A_bad_filter_and_a_query_value_that_does_not_parse_are_named_in_one_answer(string path, params string[] parameters)
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await app.CreateApiClient().GetAsync(path, Ct);

        await Problems.AssertValidationProblemAsync(response, parameters);
    }

    // A name the contract does not list is a 400 that lists the names it does, whichever call and field it came in.
    [Theory]
    [InlineData("verification", "{\"status\":\"Nope\"}", "status", typeof(Web.Domain.Verification))]
    [InlineData("acknowledgements", "{\"country\":\"France\",\"state\":\"Nope\"}", "state", typeof(Web.Domain.AcknowledgementState))]
    [InlineData("checklist", "{\"item\":\"Nope\"}", "item", typeof(Web.Domain.ChecklistItem))]
    [InlineData("escalate", "{\"reason\":\"Why\",\"toStage\":\"Nope\"}", "toStage", typeof(Web.Domain.Stage))]
    public async Task A_name_the_contract_does_not_list_is_a_400_that_lists_the_names(string call, string body, string field, Type names)
    {
        await using var app = new CeasefireWatchFactory();
        var api = app.CreateApiClient();
        var incident = await app.LogIncidentAsync(api);

        using var response = await api.PostAsync($"/api/incidents/{incident.Id}/{call}", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var errors = await Problems.AssertValidationProblemAsync(response, field);
        Assert.Equal($"'{field}' must be one of: {string.Join(", ", Enum.GetNames(names))}.", errors.GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task A_long_bad_query_value_is_shown_cut_short_between_whole_characters()
    {
        await using var app = new CeasefireWatchFactory();
        var value = new string('9', 39) + "😀" + new string('x', 5000);
        using var response = await app.CreateApiClient().GetAsync($"/api/incidents?page={Uri.EscapeDataString(value)}", Ct);

        var errors = await Problems.AssertValidationProblemAsync(response, "page");
        Assert.Equal($"'page' must be a whole number; '{new string('9', 39)}…' is not.", errors.GetProperty("page")[0].GetString());
    }

    [Fact]
    public async Task An_import_with_a_dry_run_flag_that_does_not_parse_is_a_400_and_imports_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        using var form = Imports.Form(Encoding.UTF8.GetBytes(
            "title,occurred_at,oblast\r\n" + Imports.Line("Imported", CeasefireWatchFactory.Iso(app.Now.AddHours(-1)), "Sumy")));
        using var response = await app.CreateApiClient().PostAsync("/api/imports?dryRun=perhaps", form, Ct);

        var errors = await Problems.AssertValidationProblemAsync(response, "dryRun");
        Assert.Contains("true or false", errors.GetProperty("dryRun")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("/api/incidents?page=2&pageSize=5")]
    [InlineData("/api/incidents?page=&pageSize=")]
    [InlineData("/api/timeline.csv?bom=TRUE")]
    [InlineData("/api/incidents.csv?bom=false")]
    [InlineData("/api/notifications?page=1")]
    public async Task A_query_value_that_parses_or_is_empty_is_taken(string path)
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await app.CreateApiClient().GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bom_true_starts_the_file_with_a_byte_order_mark_and_bom_false_does_not()
    {
        await using var app = new CeasefireWatchFactory();
        var client = app.CreateApiClient();
        using var created = await app.PostIncidentAsync(client);

        var withMark = await client.GetByteArrayAsync("/api/timeline.csv?bom=True", Ct);
        var without = await client.GetByteArrayAsync("/api/timeline.csv?bom=false", Ct);

        Assert.Equal([0xEF, 0xBB, 0xBF], withMark[..3]);
        Assert.NotEqual(0xEF, without[0]);
        Assert.Equal(without, withMark[3..]);
    }

    [Theory]
    [InlineData("/api/incidents")]
    [InlineData("/api/stats")]
    [InlineData("/api/timeline.csv")]
    public async Task Api_answers_are_never_cached(string path)
    {
        await using var app = new CeasefireWatchFactory();
        using var response = await app.CreateApiClient().GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{path} has Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task A_refusal_for_want_of_a_role_is_logged_as_information_without_a_stack_trace()
    {
        var logger = new RecordingLogger<LoggingBehavior<EscalateIncident.Command, IncidentDto>>();
        var behavior = new LoggingBehavior<EscalateIncident.Command, IncidentDto>(logger);

        await Assert.ThrowsAsync<ForbiddenException>(async () => await behavior.Handle(
            new EscalateIncident.Command("Why"), (_, _) => throw new ForbiddenException("Supervisors only."), Ct));

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Null(entry.Exception);
    }

    [Fact]
    public async Task The_framework_page_shows_windows_shorter_than_a_minute_as_they_are()
    {
        await using var app = new CeasefireWatchFactory { Tier2After = TimeSpan.FromSeconds(15), Tier3After = TimeSpan.FromSeconds(30) };
        var html = WebUtility.HtmlDecode(await (await app.SignedInAsAdminAsync()).GetHtmlAsync("/Reference"));
        Assert.Contains("T0 + 15\u00A0s", html, StringComparison.Ordinal);
        Assert.Contains("T0 + 30\u00A0s", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0d 00h 00m", html, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Database", "SqliteOnly")]
    public async Task A_first_start_does_not_warn_about_partially_applied_migrations()
    {
        await using var app = new CeasefireWatchFactory();
        await using var scope = app.Services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<Web.Data.AppDbContext>>();
        var warnings = options.FindExtension<CoreOptionsExtension>()!.WarningsConfiguration;
        Assert.Equal(LogLevel.Debug, warnings.GetLevel(RelationalEventId.NonTransactionalMigrationOperationWarning));
    }

    private static (string Name, string Value)[] ValidForm(CeasefireWatchFactory app) =>
    [
        ("Input.Title", "Shelling near Kupiansk"),
        ("Input.OccurredAt", app.Now.UtcDateTime.AddHours(-1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture)),
        ("Input.OccurredAtZone", "Utc"),
        ("Input.Oblast", "Kharkiv"),
        ("Input.Location", "Kupiansk checkpoint"),
        ("Input.ViolationType", "Shelling"),
        ("Input.Severity", "Serious"),
        ("Input.SourceType", "MonitoringDrone"),
    ];
}
