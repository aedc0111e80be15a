using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;

namespace CeasefireWatch.Tests.Api;

/// <summary>Supervisors verify reports: once per report, attributed, on the timeline, through the API and the incident page.</summary>
public sealed class VerifyReportTests : IAsyncLifetime
{
    private readonly CeasefireWatchFactory app = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task A_supervisor_verifies_a_report_once_and_the_timeline_says_who_and_how()
    {
        var api = app.CreateApiClient();
        var logged = await app.LogIncidentAsync(api, app.Now.AddHours(-1));
        var report = Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Reports!);
        Assert.Null(report.VerifiedAt);
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        using var verified = await api.PostAsJsonAsync(
            $"/api/incidents/{logged.Id}/reports/{report.Id}/verify", new { details = "Matched satellite imagery." }, Ct);
        await CeasefireWatchFactory.ReadAsync<IncidentResponse>(verified, HttpStatusCode.OK);

        var incident = await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id);
        var after = Assert.Single(incident.Reports!);
        Assert.Equal(app.Now.UtcDateTime, after.VerifiedAt);
        Assert.Equal("bootstrap", after.VerifiedBy);
        var entry = Assert.Single(incident.Entries, e => e.Kind == TimelineKind.ReportVerified);
        Assert.Equal("bootstrap", entry.Actor);
        Assert.Equal(app.Now.UtcDateTime, entry.At);
        Assert.Contains("first report", entry.Details, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("Matched satellite imagery.", entry.Details, StringComparison.Ordinal);
        Assert.Equal(logged.NextStageAt, incident.NextStageAt);

        using var again = await api.PostAsync($"/api/incidents/{logged.Id}/reports/{report.Id}/verify", null, Ct);
        var problem = await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("already verified by bootstrap", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Entries, e => e.Kind == TimelineKind.ReportVerified);
    }

    [Fact]
    public async Task An_unknown_report_is_404_and_a_report_of_another_incident_cannot_be_verified_through_this_one()
    {
        var api = app.CreateApiClient();
        var first = await app.LogIncidentAsync(api);
        var second = await app.LogIncidentAsync(api);
        var reportOfSecond = Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, second.Id)).Reports!);

        using var unknown = await api.PostAsync($"/api/incidents/{first.Id}/reports/999999/verify", null, Ct);
        using var crossed = await api.PostAsync($"/api/incidents/{first.Id}/reports/{reportOfSecond.Id}/verify", null, Ct);

        await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(crossed, HttpStatusCode.NotFound);
        Assert.Null(Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, second.Id)).Reports!).VerifiedAt);
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Analyst)]
    public async Task Below_supervisor_verifying_is_403_and_changes_nothing(string role)
    {
        var api = app.CreateApiClient();
        var logged = await app.LogIncidentAsync(api);
        var report = Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Reports!);
        var caller = app.CreateApiClient(await app.CreateApiKeyAsync(role));

        using var response = await caller.PostAsync($"/api/incidents/{logged.Id}/reports/{report.Id}/verify", null, Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        var incident = await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id);
        Assert.Null(Assert.Single(incident.Reports!).VerifiedAt);
        Assert.DoesNotContain(incident.Entries, e => e.Kind == TimelineKind.ReportVerified);
    }

    [Fact]
    public async Task Details_longer_than_a_note_are_a_400_on_the_field_and_nothing_is_verified()
    {
        var api = app.CreateApiClient();
        var logged = await app.LogIncidentAsync(api);
        var report = Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Reports!);

        using var response = await api.PostAsJsonAsync(
            $"/api/incidents/{logged.Id}/reports/{report.Id}/verify", new { details = new string('x', IncidentLimits.Note + 1) }, Ct);

        await Problems.AssertValidationProblemAsync(response, "details");
        Assert.Null(Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Reports!).VerifiedAt);
    }

    [Fact]
    public async Task On_the_incident_page_a_supervisor_verifies_with_the_form_and_an_analyst_gets_no_form()
    {
        var api = app.CreateApiClient();
        var logged = await app.LogIncidentAsync(api);
        var report = Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Reports!);
        var page = $"/Incidents/{logged.Id}";

        var analyst = await app.SignedInAsRoleAsync(Roles.Analyst);
        Assert.DoesNotContain("handler=Verify", await analyst.GetHtmlAsync(page), StringComparison.Ordinal);
        using var refused = await analyst.PostFormAsync(page, $"{page}?handler=Verify&reportId={report.Id}", ("Verify.Details", "I say so"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var supervisor = await app.SignedInAsRoleAsync(Roles.Supervisor, "supervisor@example.org");
        using var tooLong = await supervisor.PostFormAsync(page, $"{page}?handler=Verify&reportId={report.Id}", ("Verify.Details", new string('x', IncidentLimits.Note + 1)));
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);
        Assert.NotEmpty(Browser.FieldError(await tooLong.HtmlAsync(), "Verify.Details"));
        Assert.Null(Assert.Single((await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id)).Reports!).VerifiedAt);

        Assert.Contains($"action=\"/Incidents/{logged.Id}?reportId={report.Id}&amp;handler=Verify\"", await supervisor.GetHtmlAsync(page), StringComparison.Ordinal);
        using var done = await supervisor.PostFormAsync(page, $"{page}?handler=Verify&reportId={report.Id}", ("Verify.Details", "Confirmed by drone footage."));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        var incident = await CeasefireWatchFactory.GetIncidentAsync(api, logged.Id);
        Assert.Equal("supervisor@example.org", Assert.Single(incident.Reports!).VerifiedBy);
        var entry = Assert.Single(incident.Entries, e => e.Kind == TimelineKind.ReportVerified);
        Assert.Equal("supervisor@example.org", entry.Actor);
        Assert.EndsWith("Confirmed by drone footage.", entry.Details, StringComparison.Ordinal);
        var html = await supervisor.GetHtmlAsync(page);
        Assert.Contains("data-verified=\"true\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Verify", html, StringComparison.Ordinal);
    }
}
