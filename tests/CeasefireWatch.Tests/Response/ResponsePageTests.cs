using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Response;

/// <summary>The response through the pages: the roster page, and the incident page's verification, answer and checklist forms.</summary>
public sealed class ResponsePageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_administrator_adds_changes_and_removes_roster_members_and_a_restart_keeps_the_roster()
    {
        var path = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            await using (var app = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true })
            {
                var admin = await app.SignedInAsAdminAsync();
                await admin.PostAndFollowAsync("/Admin/Coalition", "/Admin/Coalition?handler=Save",
                    ("Member.Name", "Norway"), ("Member.Iso2", "NO"), ("Member.Contribution", "Maritime patrols."));
                await admin.PostAndFollowAsync("/Admin/Coalition", "/Admin/Coalition?handler=Remove&name=Czechia");
                using var bad = await admin.PostFormAsync("/Admin/Coalition", "/Admin/Coalition?handler=Save", ("Member.Name", ""));
                Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
                Assert.Contains("Give the country", Browser.FieldError(await bad.HtmlAsync(), "Member.Name"), StringComparison.Ordinal);
                var analyst = await app.SignedInAsRoleAsync(Roles.Analyst);
                Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync(new Uri("/Admin/Coalition", UriKind.Relative), Ct)).StatusCode);
            }

            await using var restarted = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true };
            var names = await restarted.WithDbAsync(db => db.CoalitionMembers.Select(m => m.Country).ToListAsync(Ct));
            Assert.Contains("Norway", names);
            Assert.DoesNotContain("Czechia", names);
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task A_supervisor_verifies_records_an_answer_and_a_checklist_item_through_the_incident_page()
    {
        await using var app = new CeasefireWatchFactory();
        var incident = await app.LogIncidentAsync(app.CreateApiClient(), app.Now - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        var supervisor = await app.SignedInAsRoleAsync(Roles.Supervisor);
        var page = $"/Incidents/{incident.Id}";
        var html = await supervisor.GetHtmlAsync(page);
        Assert.Contains("Response checklist", html, StringComparison.Ordinal);
        Assert.Contains("data-coalition-member=\"France\"", html, StringComparison.Ordinal);

        await supervisor.PostAndFollowAsync(page, $"{page}?handler=Verification", ("Verification.Status", "Verified"), ("Verification.Note", "Imagery."));
        await supervisor.PostAndFollowAsync(page, $"{page}?handler=Answer", ("Answer.Country", "France"), ("Answer.State", "Acknowledged"), ("Answer.Note", "Paris confirms."));
        await supervisor.PostAndFollowAsync(page, $"{page}?handler=Checklist", ("Checklist.Item", "UkrainianForcesResponse"), ("Checklist.Note", "Fire returned."));

        var after = await CeasefireWatchFactory.GetIncidentAsync(app.CreateApiClient(), incident.Id);
        Assert.Contains(after.Entries, e => e.Kind == TimelineKind.VerificationChanged && e.Details.Contains("Verified", StringComparison.Ordinal));
        Assert.Contains(after.Entries, e => e.Kind == TimelineKind.CoalitionAnswer && e.Details.StartsWith("France (lead): Acknowledged", StringComparison.Ordinal));
        Assert.Contains(after.Entries, e => e.Kind == TimelineKind.ChecklistItemDone);

        using var unknown = await supervisor.PostFormAsync(page, $"{page}?handler=Answer", ("Answer.Country", "Atlantis"), ("Answer.State", "Acknowledged"));
        Assert.Contains("not on the coalition roster", Browser.FieldError(await unknown.HtmlAsync(), "Answer.Country"), StringComparison.Ordinal);
    }
}
