using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using static CeasefireWatch.Tests.Pages.PageForms;

namespace CeasefireWatch.Tests.Pages;

/// <summary>
/// /Incidents/New as a browser uses it: open the form, post it with its antiforgery token. One app per class;
/// the clock is never moved here, so "now" is <see cref="CeasefireWatchFactory.StartInstant"/> throughout.
/// </summary>
public sealed class NewIncidentPageTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private const string Page = "/Incidents/New";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTime Now => factory.Now.UtcDateTime;

    private static string NewEmail() => $"analyst-{Guid.NewGuid():N}"[..20] + "@example.org";

    [Fact]
    public async Task Logging_through_the_form_redirects_to_the_new_incident_stored_as_entered_and_reported_by_the_analyst()
    {
        var email = NewEmail();
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst, email);
        var occurredAt = Now.AddMinutes(-97);
        var fields = NewIncident(occurredAt, "Drone strike on Kupiansk school");
        fields["Input.Oblast"] = "Kharkiv";
        fields["Input.Location"] = "Куп'янськ, школа № 3";
        fields["Input.Latitude"] = "49.7101";
        fields["Input.Longitude"] = "37.6156";
        fields["Input.ViolationType"] = "DroneStrike";
        fields["Input.Severity"] = "Major";
        fields["Input.SourceType"] = "GroundSensor";
        fields["Input.Killed"] = "1";
        fields["Input.Wounded"] = "7";
        fields["Input.Description"] = "Two drones; one hit the school gym.";
        var before = await factory.CountsAsync();

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var id = await RedirectedIncidentIdAsync(response);
        // One incident, its first report, and two entries: Reported and tier 1 entered.
        Assert.Equal(new Counts(before.Incidents + 1, before.Reports + 1, before.TimelineEntries + 2), await factory.CountsAsync());
        var stored = await CeasefireWatchFactory.GetIncidentAsync(factory.CreateApiClient(), id);
        Assert.Equal("Drone strike on Kupiansk school", stored.Title);
        Assert.Equal(new DateTime(occurredAt.Year, occurredAt.Month, occurredAt.Day, occurredAt.Hour, occurredAt.Minute, 0, DateTimeKind.Utc), stored.OccurredAt);
        Assert.Equal("Kharkiv", stored.Oblast);
        Assert.Equal("Куп'янськ, школа № 3", stored.Location);
        Assert.Equal(49.7101, stored.Latitude);
        Assert.Equal(37.6156, stored.Longitude);
        Assert.Equal(ViolationType.DroneStrike, stored.ViolationType);
        Assert.Equal(Severity.Major, stored.Severity);
        Assert.Equal(SourceType.GroundSensor, stored.SourceType);
        Assert.Equal(1, stored.Killed);
        Assert.Equal(7, stored.Wounded);
        Assert.Equal("Two drones; one hit the school gym.", stored.Description);
        Assert.Equal(IncidentStatus.Active, stored.Status);
        Assert.Equal(Stage.UkrainianForces, stored.Stage);
        Assert.Equal(email, stored.CreatedBy);
        var reported = Assert.Single(stored.Entries, e => e.Kind == TimelineKind.Reported);
        Assert.Equal(email, reported.Actor);
        Assert.Equal(Now, reported.At);

        // Post/redirect/get: the page the browser lands on shows the incident and who reported it.
        var page = await analyst.GetHtmlAsync($"/Incidents/{id}");
        Assert.Contains(Incident.FormatReference(id) + " logged", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        var entry = Assert.Single(Timeline(page), e => e.Kind == nameof(TimelineKind.Reported));
        Assert.Contains($"by {email}", entry.Text, StringComparison.Ordinal);
        Assert.Contains("Куп'янськ, школа № 3", entry.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_is_refused_the_form_and_the_post_and_nothing_is_stored()
    {
        var viewer = await factory.SignedInAsRoleAsync(Roles.Viewer);
        var before = await factory.CountsAsync();

        using var formPage = await viewer.GetAsync(new Uri(Page, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, formPage.StatusCode);

        // The viewer's own antiforgery token, from a page every role may open, with the log form's fields.
        var token = Browser.Token(await viewer.GetHtmlAsync("/Incidents"));
        using var content = new FormUrlEncodedContent([.. NewIncident(Now.AddHours(-1)), new("__RequestVerificationToken", token)]);
        using var response = await viewer.PostAsync(new Uri(Page, UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await factory.CountsAsync());
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_400_and_stores_nothing()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        await analyst.GetHtmlAsync(Page); // the antiforgery cookie is set; only the form token is missing
        var before = await factory.CountsAsync();

        using var content = new FormUrlEncodedContent(NewIncident(Now.AddHours(-1)));
        using var response = await analyst.PostAsync(new Uri(Page, UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await factory.CountsAsync());
    }

    [Fact]
    public async Task A_token_from_another_session_is_400_and_stores_nothing()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var other = await factory.SignedInAsRoleAsync(Roles.Analyst);
        await analyst.GetHtmlAsync(Page);
        var foreignToken = Browser.Token(await other.GetHtmlAsync(Page));
        var before = await factory.CountsAsync();

        using var content = new FormUrlEncodedContent([.. NewIncident(Now.AddHours(-1)), new("__RequestVerificationToken", foreignToken)]);
        using var response = await analyst.PostAsync(new Uri(Page, UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await factory.CountsAsync());
    }

    /// <summary>
    /// One rule of the log form per case: <paramref name="field"/> set to <paramref name="value"/> (others valid), and the message
    /// by <paramref name="errorField"/> containing <paramref name="expected"/>. "{x*N}" in a value stands for N letters x.
    /// </summary>
    [Theory]
    [InlineData("Title", "", "Title", "Give the incident a title.")]
    [InlineData("Title", "   ", "Title", "Give the incident a title.")]
    [InlineData("Title", "{x*201}", "Title", "200")]
    [InlineData("Location", "", "Location", "Give the settlement or location.")]
    [InlineData("Location", "{x*201}", "Location", "200")]
    [InlineData("Description", "{x*4001}", "Description", "4000")]
    [InlineData("Oblast", "", "Oblast", "Pick the oblast where it happened.")]
    [InlineData("Oblast", "Atlantis", "Oblast", "'Atlantis' is not one of Ukraine's regions")]
    [InlineData("Oblast", "Moscow", "Oblast", "'Moscow' is not one of Ukraine's regions")]
    [InlineData("Latitude", "53.0001", "Latitude", "Latitude must be between 43 and 53")]
    [InlineData("Latitude", "42.9999", "Latitude", "Latitude must be between 43 and 53")]
    [InlineData("Longitude", "41.0001", "Longitude", "Longitude must be between 21 and 41")]
    [InlineData("Longitude", "20.9999", "Longitude", "Longitude must be between 21 and 41")]
    [InlineData("Latitude", "north", "Latitude", "'north'")]
    [InlineData("Longitude", "", "Longitude", "Give the longitude too, or neither coordinate.")]
    [InlineData("Latitude", "", "Latitude", "Give the latitude too, or neither coordinate.")]
    [InlineData("Killed", "-1", "Killed", "Killed must be a whole number from 0 to 100000.")]
    [InlineData("Killed", "100001", "Killed", "Killed must be a whole number from 0 to 100000.")]
    [InlineData("Killed", "1.5", "Killed", "'1.5'")]
    [InlineData("Wounded", "-1", "Wounded", "Wounded must be a whole number from 0 to 100000.")]
    [InlineData("Wounded", "many", "Wounded", "'many'")]
    [InlineData("OccurredAt", "", "OccurredAt", "Say when the violation occurred.")]
    [InlineData("OccurredAt", "yesterday", "OccurredAt", "'yesterday'")]
    [InlineData("OccurredAt", "2013-12-31T23:59", "OccurredAt", "must be after 2014-01-01")]
    [InlineData("OccurredAt", "2026-02-04T06:06", "OccurredAt", "is in the future; at most 5 minutes ahead")]
    [InlineData("ViolationType", "", "ViolationType", "Pick the type of violation.")]
    [InlineData("ViolationType", "Nuke", "ViolationType", "'Nuke'")]
    [InlineData("ViolationType", "99", "ViolationType", "'99'")]
    [InlineData("Severity", "", "Severity", "Pick the severity.")]
    [InlineData("Severity", "Catastrophic", "Severity", "'Catastrophic'")]
    [InlineData("SourceType", "", "SourceType", "Pick the source of the report.")]
    [InlineData("SourceType", "Rumour", "SourceType", "'Rumour'")]
    [InlineData("ViolationType", "Shelling, MissileStrike", "ViolationType", "'Shelling, MissileStrike'")]
    [InlineData("Severity", "0", "Severity", "'0'")]
    [InlineData("OccurredAtZone", "Mars", "OccurredAtZone", "'Mars'")]
    public async Task Each_rule_of_the_form_is_a_message_by_its_field_the_form_keeps_what_was_typed_and_nothing_is_stored(
        string field, string value, string errorField, string expected)
    {
        Assert.Equal(CeasefireWatchFactory.StartInstant.UtcDateTime, Now); // the cases above are written for this clock
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(Now.AddHours(-2), $"Rule {field} {Guid.NewGuid():N}");
        fields[$"Input.{field}"] = Expand(value);
        var before = await factory.CountsAsync();

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var html = await response.HtmlAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected the form again, got {(int)response.StatusCode} {response.Headers.Location}");
        var message = Browser.FieldError(html, $"Input.{errorField}");
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.All(
            fields.Keys.Where(k => k != $"Input.{errorField}").Where(k => !k.EndsWith("Zone", StringComparison.Ordinal)),
            other => Assert.True(Browser.FieldError(html, other).Length == 0, $"{other} has a message too: {Browser.FieldError(html, other)}"));
        AssertFormKeeps(html, fields);
        Assert.Equal(before, await factory.CountsAsync());
    }

    // Found from outside: a time that could not be read hid every other field's message (an empty title, no oblast),
    // and a number with a fraction hid a negative one beside it: one more message on each try.
    [Theory]
    [InlineData("Input.OccurredAt", "31.02.2026 10:00", "Input.Title", "")]
    [InlineData("Input.Wounded", "1.5", "Input.Killed", "-3")]
    public async Task A_field_that_cannot_be_read_does_not_hide_the_other_fields_messages(string unreadable, string value, string other, string otherValue)
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(Now.AddHours(-2), "Unread fields");
        fields[unreadable] = value;
        fields[other] = otherValue;
        var before = await factory.CountsAsync();

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var html = await response.HtmlAsync();
        Assert.NotEmpty(Browser.FieldError(html, unreadable));
        Assert.NotEmpty(Browser.FieldError(html, other));
        Assert.Equal(before, await factory.CountsAsync());
    }

    // The framework's own summary list once followed ours inside the same box: every message was said twice. And the
    // model state's own order put the oblast before the time, the type of violation last.
    [Fact]
    public async Task The_error_summary_says_each_message_once_in_the_order_of_the_form_each_a_link_to_its_field()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(Now.AddHours(-2), string.Empty);
        fields["Input.Oblast"] = string.Empty;
        fields["Input.OccurredAt"] = string.Empty;
        fields["Input.ViolationType"] = string.Empty;
        fields["Input.Location"] = string.Empty;

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var html = await response.HtmlAsync();
        var summary = System.Text.RegularExpressions.Regex.Match(html, "<div[^>]*data-error-summary[^>]*>(?<inner>.*?)</div>",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(summary.Success, "No error summary in the page.");
        var items = System.Text.RegularExpressions.Regex.Matches(summary.Groups["inner"].Value, "<li>(?<item>.*?)</li>",
            System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Groups["item"].Value).ToList();
        Assert.Equal(
            [
                "<a href=\"#Input_Title\">Give the incident a title.</a>",
                "<a href=\"#Input_OccurredAt\">Say when the violation occurred.</a>",
                "<a href=\"#Input_Oblast\">Pick the oblast where it happened.</a>",
                "<a href=\"#Input_Location\">Give the settlement or location.</a>",
                "<a href=\"#Input_ViolationType\">Pick the type of violation.</a>",
            ],
            items);
    }

    [Fact]
    public async Task A_time_at_most_five_minutes_ahead_of_the_clock_is_accepted_as_clock_skew()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var edge = Now + IncidentLimits.ClockSkew;

        using var response = await analyst.PostFormAsync(Page, Page, NewIncident(edge).AsFields());

        var id = await RedirectedIncidentIdAsync(response);
        var stored = await CeasefireWatchFactory.GetIncidentAsync(factory.CreateApiClient(), id);
        Assert.Equal(edge, stored.OccurredAt);
        Assert.Equal(Stage.UkrainianForces, stored.Stage);
    }

    [Fact]
    public async Task A_report_without_coordinates_or_casualties_is_accepted_and_stores_none()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(Now.AddMinutes(-10));
        foreach (var optional in new[] { "Latitude", "Longitude", "Killed", "Wounded", "Description" })
        {
            fields[$"Input.{optional}"] = string.Empty;
        }

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var stored = await CeasefireWatchFactory.GetIncidentAsync(factory.CreateApiClient(), await RedirectedIncidentIdAsync(response));
        Assert.Null(stored.Latitude);
        Assert.Null(stored.Longitude);
        Assert.Null(stored.Killed);
        Assert.Null(stored.Wounded);
        Assert.Equal(string.Empty, stored.Description);
    }

    [Fact]
    public async Task The_form_offers_every_oblast_and_every_name_of_each_choice()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);

        var html = await analyst.GetHtmlAsync(Page);

        Assert.All(Oblasts.All, o => Assert.True(Offers(html, "Input.Oblast", o), o));
        Assert.All(Enum.GetNames<ViolationType>(), v => Assert.True(Offers(html, "Input.ViolationType", v), v));
        Assert.All(Enum.GetNames<Severity>(), v => Assert.True(Offers(html, "Input.Severity", v), v));
        Assert.All(Enum.GetNames<SourceType>(), v => Assert.True(Offers(html, "Input.SourceType", v), v));
        Assert.True(Offers(html, "Input.OccurredAtZone", "Utc"));
        Assert.True(Offers(html, "Input.OccurredAtZone", "Kyiv"));
        Assert.Equal(string.Empty, Browser.FieldError(html, "Input.Title"));
    }

    internal static string Expand(string value)
    {
        var match = System.Text.RegularExpressions.Regex.Match(value, "^\\{x\\*(?<n>[0-9]+)\\}$");
        return match.Success ? new string('x', int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)) : value;
    }

    /// <summary>Each field shows what was posted (a select: when the value posted is one it offers).</summary>
    internal static void AssertFormKeeps(string html, Dictionary<string, string> fields)
    {
        foreach (var (name, posted) in fields)
        {
            if (IsSelect(html, name) && !Offers(html, name, posted))
            {
                continue; // a select cannot show a value it does not offer
            }

            var shown = Shown(html, name);

            Assert.True(posted == shown, $"{name}: posted '{Trunc(posted)}', the form shows '{Trunc(shown)}'");
        }
    }

    private static string? Trunc(string? s) => s is { Length: > 40 } ? s[..40] + "…" : s;
}
