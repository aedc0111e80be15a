using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using static CeasefireWatch.Tests.Pages.PageForms;

namespace CeasefireWatch.Tests.Pages;

/// <summary>
/// The action forms of /Incidents/{id}, each posted with its antiforgery token by a role allowed to use it:
/// success is post/redirect/get with the entry on the timeline; a rule broken is the page again with the message
/// by the field (or on the page) and the incident untouched. One app per class; the clock is never moved, and
/// every test logs its own incident one hour before "now" (T0 = 05:00Z).
/// </summary>
public sealed class IncidentDetailsPageTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private readonly HttpClient api = factory.CreateApiClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTime Now => factory.Now.UtcDateTime;

    private DateTime T0 => Now.AddHours(-1);

    private static string PageOf(int id) => $"/Incidents/{id}";

    private static string NewEmail(string role) => $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..20] + "@example.org";

    private async Task<int> LogAsync() => (await factory.LogIncidentAsync(api, T0)).Id;

    private Task<IncidentResponse> GetAsync(int id) => CeasefireWatchFactory.GetIncidentAsync(api, id);

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, int id, string handler, params (string, string)[] fields) =>
        browser.PostFormAsync(PageOf(id), $"{PageOf(id)}?handler={handler}", fields);

    /// <summary>Posts, expects the redirect back to the incident, follows it and returns the page shown.</summary>
    private static async Task<string> PostAndFollowAsync(HttpClient browser, int id, string handler, params (string, string)[] fields)
    {
        using var response = await PostAsync(browser, id, handler, fields);
        Assert.Equal(id, await RedirectedIncidentIdAsync(response));
        return await browser.GetHtmlAsync(PageOf(id));
    }

    private static (string Kind, string Stage, string Text) LastEntry(string html, TimelineKind kind) =>
        Timeline(html).Last(e => e.Kind == kind.ToString());

    [Fact]
    public async Task A_follow_up_report_that_moves_T0_past_a_deadline_says_the_tier_it_entered()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var id = await LogAsync();

        var page = await PostAndFollowAsync(analyst, id, "FollowUp", ReportFields("FollowUp", T0.AddHours(-25)).AsFields());

        Assert.Contains($"Follow-up report added: {Stage.Coalition.Label()}.", page, StringComparison.Ordinal);
        Assert.Equal(Stage.Coalition, (await GetAsync(id)).Stage);
    }

    [Fact]
    public async Task A_follow_up_report_is_added_with_its_entry_and_an_earlier_violation_moves_T0_back()
    {
        var email = NewEmail(Roles.Analyst);
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst, email);
        var id = await LogAsync();
        var earlier = T0.AddHours(-3);
        var fields = ReportFields("FollowUp", earlier);
        fields["FollowUp.Location"] = "Оріхів";
        fields["FollowUp.Severity"] = "Major";
        fields["FollowUp.Killed"] = "2";

        var page = await PostAndFollowAsync(analyst, id, "FollowUp", fields.AsFields());

        var entry = LastEntry(page, TimelineKind.FollowUpReport);
        Assert.Contains($"by {email}", entry.Text, StringComparison.Ordinal);
        Assert.Contains("Оріхів", entry.Text, StringComparison.Ordinal);
        Assert.Contains($"Follow-up report added: {Stage.UkrainianForces.Label()}.", page, StringComparison.Ordinal);
        var stored = await GetAsync(id);
        Assert.Equal(earlier, stored.OccurredAt);
        Assert.Equal(Severity.Major, stored.Severity);
        Assert.Equal(2, stored.Killed);
        Assert.Equal(email, Assert.Single(stored.Entries, e => e.Kind == TimelineKind.FollowUpReport).Actor);
        Assert.Contains(CeasefireWatchFactory.Iso(earlier)[..19].Replace('T', ' '), stored.Entries.Last(e => e.Kind == TimelineKind.FollowUpReport).Details, StringComparison.Ordinal);
        Assert.Equal(earlier.AddHours(24), stored.NextStageAt);
    }

    [Fact]
    public async Task A_follow_up_after_T0_leaves_T0_where_it_was()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var id = await LogAsync();

        await PostAndFollowAsync(analyst, id, "FollowUp", ReportFields("FollowUp", T0.AddMinutes(30)).AsFields());

        var stored = await GetAsync(id);
        Assert.Equal(T0, stored.OccurredAt);
        Assert.Single(stored.Entries, e => e.Kind == TimelineKind.FollowUpReport);
    }

    [Fact]
    public async Task A_note_is_added_to_the_timeline_with_its_author()
    {
        var email = NewEmail(Roles.Analyst);
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst, email);
        var id = await LogAsync();

        var page = await PostAndFollowAsync(analyst, id, "Note", ("Note.Text", "  OSCE monitors confirm <impact> craters.  "));

        var entry = LastEntry(page, TimelineKind.Note);
        Assert.Contains("OSCE monitors confirm <impact> craters.", entry.Text, StringComparison.Ordinal);
        Assert.Contains($"by {email}", entry.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<impact>", page, StringComparison.Ordinal);
        var stored = Assert.Single((await GetAsync(id)).Entries, e => e.Kind == TimelineKind.Note);
        Assert.Equal("OSCE monitors confirm <impact> craters.", stored.Details);
        Assert.Equal(email, stored.Actor);
        Assert.Equal(Now, stored.At);
    }

    [Fact]
    public async Task The_diplomatic_warning_is_recorded_once_and_its_form_goes_away()
    {
        var email = NewEmail(Roles.Analyst);
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst, email);
        var id = await LogAsync();
        Assert.Contains("handler=Warning", await analyst.GetHtmlAsync(PageOf(id)), StringComparison.Ordinal);

        var page = await PostAndFollowAsync(analyst, id, "Warning", ("Warning.Details", "MFA note verbale to the Russian side"));

        var entry = LastEntry(page, TimelineKind.DiplomaticWarningIssued);
        Assert.Contains("MFA note verbale to the Russian side", entry.Text, StringComparison.Ordinal);
        Assert.Contains($"by {email}", entry.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Warning", page, StringComparison.Ordinal);
        var stored = await GetAsync(id);
        Assert.Equal(Now, stored.DiplomaticWarningIssuedAt);
        Assert.Equal(email, Assert.Single(stored.Entries, e => e.Kind == TimelineKind.DiplomaticWarningIssued).Actor);
    }

    [Fact]
    public async Task Early_escalation_enters_the_next_tier_naming_the_supervisor_and_the_reason()
    {
        var email = NewEmail(Roles.Supervisor);
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor, email);
        var id = await LogAsync();

        var page = await PostAndFollowAsync(supervisor, id, "Escalate", ("Escalate.Reason", "Mass-casualty strike"));

        var entry = LastEntry(page, TimelineKind.StageEntered);
        Assert.Equal(nameof(Stage.Coalition), entry.Stage);
        Assert.Contains("Escalated early: Mass-casualty strike", entry.Text, StringComparison.Ordinal);
        Assert.Contains($"by {email}", entry.Text, StringComparison.Ordinal);
        var stored = await GetAsync(id);
        Assert.Equal(Stage.Coalition, stored.Stage);
        var entered = stored.StagesEntered[^1];
        Assert.Equal((Stage.Coalition, email, Now), (entered.Stage, entered.Actor, entered.DueAt!.Value));
        Assert.Equal(T0.AddHours(72), stored.NextStageAt);
    }

    [Fact]
    public async Task Resolving_stops_the_clock_with_the_time_and_reason_given_and_reopening_starts_it_again()
    {
        var email = NewEmail(Roles.Supervisor);
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor, email);
        var id = await LogAsync();
        var ceasedAt = T0.AddMinutes(40);

        var resolvedPage = await PostAndFollowAsync(supervisor, id, "Resolve",
            ("Resolve.CeasedAt", Local(ceasedAt)), ("Resolve.CeasedAtZone", "Utc"), ("Resolve.Reason", "Local truce held"));

        var resolvedEntry = LastEntry(resolvedPage, TimelineKind.Resolved);
        Assert.Contains("Local truce held", resolvedEntry.Text, StringComparison.Ordinal);
        Assert.Contains($"by {email}", resolvedEntry.Text, StringComparison.Ordinal);
        Assert.Contains("handler=Reopen", resolvedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Resolve", resolvedPage, StringComparison.Ordinal);
        var resolved = await GetAsync(id);
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Equal(ceasedAt, resolved.CeasedAt);
        Assert.Equal("Local truce held", resolved.ResolutionReason);
        Assert.Null(resolved.NextStageAt);
        Assert.Equal(email, Assert.Single(resolved.Entries, e => e.Kind == TimelineKind.Resolved).Actor);

        var reopenedPage = await PostAndFollowAsync(supervisor, id, "Reopen", ("Reopen.Reason", "Shelling resumed at dawn"));

        var reopenedEntry = LastEntry(reopenedPage, TimelineKind.Reopened);
        Assert.Contains("Shelling resumed at dawn", reopenedEntry.Text, StringComparison.Ordinal);
        Assert.Contains($"by {email}", reopenedEntry.Text, StringComparison.Ordinal);
        var reopened = await GetAsync(id);
        Assert.Equal(IncidentStatus.Active, reopened.Status);
        Assert.Null(reopened.CeasedAt);
        Assert.Equal(T0, reopened.OccurredAt);
        Assert.Equal(T0.AddHours(24), reopened.NextStageAt);
    }

    [Fact]
    public async Task Resolving_with_no_time_and_no_reason_means_now_and_says_no_reason_was_given()
    {
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var id = await LogAsync();

        await PostAndFollowAsync(supervisor, id, "Resolve", ("Resolve.CeasedAt", ""), ("Resolve.CeasedAtZone", "Utc"), ("Resolve.Reason", ""));

        var stored = await GetAsync(id);
        Assert.Equal(IncidentStatus.Resolved, stored.Status);
        Assert.Equal(Now, stored.CeasedAt);
        Assert.Equal("No reason given.", stored.ResolutionReason);
    }

    [Fact]
    public async Task A_ceasefire_time_typed_in_Kyiv_time_is_stored_in_UTC()
    {
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var id = await LogAsync();

        // 07:20 in Kyiv in February (EET, UTC+2) is 05:20Z: after T0 (05:00Z), before now (06:00Z).
        await PostAndFollowAsync(supervisor, id, "Resolve", ("Resolve.CeasedAt", "2026-02-04T07:20"), ("Resolve.CeasedAtZone", "Kyiv"));

        Assert.Equal(new DateTime(2026, 2, 4, 5, 20, 0, DateTimeKind.Utc), (await GetAsync(id)).CeasedAt);
    }

    /// <summary>
    /// Each rule of each action form: the page again (200) with the message by <paramref name="errorField"/>, the form
    /// open, and the incident's version and timeline unchanged. "{x*N}" stands for N letters x. Times are for
    /// T0 = 2026-02-04 05:00Z and now = 06:00Z.
    /// </summary>
    [Theory]
    [InlineData(Roles.Analyst, "Note", "Note.Text", "", "Note.Text", "Write the note.")]
    [InlineData(Roles.Analyst, "Note", "Note.Text", "   ", "Note.Text", "Write the note.")]
    [InlineData(Roles.Analyst, "Note", "Note.Text", "{x*4001}", "Note.Text", "4000")]
    [InlineData(Roles.Analyst, "Warning", "Warning.Details", "{x*4001}", "Warning.Details", "4000")]
    [InlineData(Roles.Supervisor, "Escalate", "Escalate.Reason", "", "Escalate.Reason", "Say why the incident is escalated early.")]
    [InlineData(Roles.Supervisor, "Escalate", "Escalate.Reason", "  ", "Escalate.Reason", "Say why the incident is escalated early.")]
    [InlineData(Roles.Supervisor, "Escalate", "Escalate.Reason", "{x*1001}", "Escalate.Reason", "1000")]
    [InlineData(Roles.Supervisor, "Resolve", "Resolve.CeasedAt", "2026-02-04T04:59", "Resolve.CeasedAt", "Hostilities cannot cease before the first violation (2026-02-04 05:00:00Z).")]
    [InlineData(Roles.Supervisor, "Resolve", "Resolve.CeasedAt", "2026-02-04T06:06", "Resolve.CeasedAt", "is in the future; leave it empty for now.")]
    [InlineData(Roles.Supervisor, "Resolve", "Resolve.CeasedAt", "soon", "Resolve.CeasedAt", "'soon'")]
    [InlineData(Roles.Supervisor, "Resolve", "Resolve.CeasedAtZone", "Mars", "Resolve.CeasedAtZone", "'Mars'")]
    [InlineData(Roles.Supervisor, "Resolve", "Resolve.Reason", "{x*1001}", "Resolve.Reason", "1000")]
    [InlineData(Roles.Supervisor, "Reopen", "Reopen.Reason", "", "Reopen.Reason", "Say why the incident is reopened.")]
    [InlineData(Roles.Supervisor, "Reopen", "Reopen.Reason", "{x*1001}", "Reopen.Reason", "1000")]
    [InlineData(Roles.Analyst, "FollowUp", "FollowUp.OccurredAt", "", "FollowUp.OccurredAt", "Say when the violation occurred.")]
    [InlineData(Roles.Analyst, "FollowUp", "FollowUp.OccurredAt", "2026-02-04T06:06", "FollowUp.OccurredAt", "is in the future")]
    [InlineData(Roles.Analyst, "FollowUp", "FollowUp.Oblast", "Atlantis", "FollowUp.Oblast", "'Atlantis' is not one of Ukraine's regions")]
    [InlineData(Roles.Analyst, "FollowUp", "FollowUp.Latitude", "99", "FollowUp.Latitude", "Latitude must be between 43 and 53")]
    [InlineData(Roles.Analyst, "FollowUp", "FollowUp.Wounded", "-3", "FollowUp.Wounded", "Wounded must be a whole number")]
    [InlineData(Roles.Analyst, "FollowUp", "FollowUp.ViolationType", "Shelling, MissileStrike", "FollowUp.ViolationType", "'Shelling, MissileStrike'")]
    public async Task Each_rule_of_an_action_form_is_a_message_by_its_field_and_changes_nothing(
        string role, string handler, string field, string value, string errorField, string expected)
    {
        Assert.Equal(CeasefireWatchFactory.StartInstant.UtcDateTime, Now); // the cases above are written for this clock
        var browser = await factory.SignedInAsRoleAsync(role);
        var id = await LogAsync();
        if (handler == "Reopen")
        {
            var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
            await PostAndFollowAsync(supervisor, id, "Resolve", ("Resolve.Reason", "Quiet for now"));
        }

        var fields = handler switch
        {
            "FollowUp" => ReportFields("FollowUp", T0.AddMinutes(10)),
            "Resolve" => new Dictionary<string, string> { ["Resolve.CeasedAt"] = Local(T0.AddMinutes(10)), ["Resolve.CeasedAtZone"] = "Utc", ["Resolve.Reason"] = "Truce" },
            _ => [],
        };
        fields[field] = NewIncidentPageTests.Expand(value);
        var before = await factory.StateOfAsync(id);

        using var response = await PostAsync(browser, id, handler, fields.AsFields());

        var html = await response.HtmlAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected the page again, got {(int)response.StatusCode} {response.Headers.Location}");
        Assert.Contains(expected, Browser.FieldError(html, errorField), StringComparison.Ordinal);
        Assert.Contains("<details open", html, StringComparison.Ordinal);
        if (!errorField.EndsWith("Zone", StringComparison.Ordinal))
        {
            NewIncidentPageTests.AssertFormKeeps(html, new() { [field] = fields[field] });
        }

        Assert.Equal(before, await factory.StateOfAsync(id));
    }

    /// <summary>
    /// A rule of the incident's state (not of a field) broken from a page that was open before someone else acted:
    /// the page again with the reason in words, and nothing changed.
    /// </summary>
    [Fact]
    public async Task A_dismissed_incident_offers_no_reopening_and_no_warning_and_a_resolved_one_offers_both()
    {
        // Found from outside: a false report's page offered "Reopen", which always failed, and the diplomatic warning.
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var dismissed = await LogAsync();
        var resolved = await LogAsync();
        using (var response = await api.PostAsJsonAsync($"/api/incidents/{dismissed}/verification", new { status = "FalseReport", note = "An exercise." }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var response = await api.PostAsJsonAsync($"/api/incidents/{resolved}/resolve", new { reason = "Fire stopped." }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var dismissedPage = await supervisor.GetHtmlAsync(PageOf(dismissed));
        Assert.DoesNotContain("handler=Reopen", dismissedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Warning", dismissedPage, StringComparison.Ordinal);
        Assert.Contains("handler=Verification", dismissedPage, StringComparison.Ordinal);   // the way back
        var resolvedPage = await supervisor.GetHtmlAsync(PageOf(resolved));
        Assert.Contains("handler=Reopen", resolvedPage, StringComparison.Ordinal);
        Assert.Contains("handler=Warning", resolvedPage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Warning", "was already recorded")]
    [InlineData("Resolve", "is already resolved")]
    [InlineData("Reopen", "is already active")]
    [InlineData("Escalate", "is already at the highest tier")]
    public async Task An_action_the_incident_no_longer_allows_shows_why_on_the_page_and_changes_nothing(string handler, string expected)
    {
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var colleague = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var id = await LogAsync();
        (string, string)[] fields = [(handler == "Warning" ? "Warning.Details" : $"{handler}.Reason", "Because")];
        switch (handler)
        {
            case "Warning":
                await PostAndFollowAsync(colleague, id, "Warning", ("Warning.Details", "First"));
                break;
            case "Resolve":
                await PostAndFollowAsync(colleague, id, "Resolve", ("Resolve.Reason", "First"));
                break;
            case "Escalate":
                await PostAndFollowAsync(colleague, id, "Escalate", ("Escalate.Reason", "To tier 2"), ("Escalate.ToStage", "Coalition"));
                await PostAndFollowAsync(colleague, id, "Escalate", ("Escalate.Reason", "To tier 3"), ("Escalate.ToStage", "UsBackstop"));
                break;
        }

        var before = await factory.StateOfAsync(id);

        using var response = await PostAsync(supervisor, id, handler, fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains(expected, Errors(html) + " | " + Summary(html), StringComparison.Ordinal);
        Assert.Equal(before, await factory.StateOfAsync(id));
    }

    [Theory]
    [InlineData("Note", "Note.Text", "A note")]
    [InlineData("Escalate", "Escalate.Reason", "Because")]
    [InlineData("Resolve", "Resolve.Reason", "Because")]
    public async Task An_action_posted_without_the_antiforgery_token_is_400_and_changes_nothing(string handler, string field, string value)
    {
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var id = await LogAsync();
        await supervisor.GetHtmlAsync(PageOf(id)); // the antiforgery cookie is set; only the form token is missing
        var before = await factory.StateOfAsync(id);

        using var content = new FormUrlEncodedContent([new(field, value)]);
        using var response = await supervisor.PostAsync(new Uri($"{PageOf(id)}?handler={handler}", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await factory.StateOfAsync(id));
    }

    [Theory]
    [InlineData(Roles.Viewer, "Note", "Note.Text")]
    [InlineData(Roles.Viewer, "Warning", "Warning.Details")]
    [InlineData(Roles.Analyst, "Escalate", "Escalate.Reason")]
    [InlineData(Roles.Analyst, "Resolve", "Resolve.Reason")]
    [InlineData(Roles.Analyst, "Verification", "Verification.Note")]
    [InlineData(Roles.Analyst, "ScaleReview", "ScaleReview.Reason")]
    [InlineData(Roles.Analyst, "Merge", "mergeId")]
    [InlineData(Roles.Viewer, "Answer", "Answer.Note")]
    [InlineData(Roles.Viewer, "Checklist", "Checklist.Note")]
    public async Task An_action_beyond_the_role_is_403_and_changes_nothing(string role, string handler, string field)
    {
        var browser = await factory.SignedInAsRoleAsync(role);
        var id = await LogAsync();
        var before = await factory.StateOfAsync(id);
        var html = await browser.GetHtmlAsync(PageOf(id));
        Assert.DoesNotContain($"handler={handler}", html, StringComparison.Ordinal); // the form is not offered

        using var response = await PostAsync(browser, id, handler, (field, "Because"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await factory.StateOfAsync(id));
    }

    [Fact]
    public async Task An_unknown_incident_is_404_for_the_page_and_its_actions()
    {
        var supervisor = await factory.SignedInAsRoleAsync(Roles.Supervisor);
        var token = Browser.Token(await supervisor.GetHtmlAsync("/Incidents"));

        using var page = await supervisor.GetAsync(new Uri("/Incidents/999999", UriKind.Relative), Ct);
        using var content = new FormUrlEncodedContent([new("Note.Text", "x"), new("__RequestVerificationToken", token)]);
        using var note = await supervisor.PostAsync(new Uri("/Incidents/999999?handler=Note", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, note.StatusCode);
    }
}
