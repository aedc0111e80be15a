using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// The full matrix, role by role and action by action: an allowed action succeeds and changes what it should; a
/// forbidden one is a 403 and changes nothing at all. Through the API (role-bearing API keys) and through the pages
/// (people of each role signed in, posting the real forms with a valid antiforgery token).
/// </summary>
public sealed class RoleMatrixTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    public static TheoryData<string, string> ApiCases => RoleMatrix.Cases(RoleMatrix.Api.Keys);

    public static TheoryData<string, string> PageCases => RoleMatrix.Cases(RoleMatrix.Pages.Keys);

    [Theory]
    [MemberData(nameof(ApiCases))]
    public async Task Through_the_api(string role, string action)
    {
        var call = RoleMatrix.Api[action];
        var target = await RoleMatrix.NewTargetAsync(app, call.NeedsResolved);
        var caller = app.CreateApiClient(await app.CreateApiKeyAsync(role));
        var before = await RoleMatrix.FingerprintAsync(app);

        using var response = await call.Send(app, caller, target);

        var after = await RoleMatrix.FingerprintAsync(app);
        if (RoleMatrix.May(role, call.LeastRole))
        {
            Assert.True(response.IsSuccessStatusCode, $"{role} {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            if (!action.StartsWith("GET", StringComparison.Ordinal))
            {
                Assert.NotEqual(before, after);
            }
            else
            {
                Assert.Equal(before, after);
            }
        }
        else
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal(before, after);
        }
    }

    [Theory]
    [MemberData(nameof(PageCases))]
    public async Task Through_the_pages(string role, string action)
    {
        var form = RoleMatrix.Pages[action];
        var target = await RoleMatrix.NewTargetAsync(app, form.NeedsResolved);
        var person = await app.SignedInAsRoleAsync(role);
        var (path, fields) = form.Form(app, target);
        var before = await RoleMatrix.FingerprintAsync(app);

        // The token comes from the dashboard, which every role may open, so only the role can stand in the way.
        using var response = await person.PostFormAsync("/", path, fields);

        var after = await RoleMatrix.FingerprintAsync(app);
        if (RoleMatrix.May(role, form.LeastRole))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{role} {action}: {(int)response.StatusCode} {CeasefireWatch.Tests.Pages.PageForms.Errors(await response.HtmlAsync())}");
            Assert.NotEqual(before, after);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(before, after);
        }
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.Admin)]
    public async Task Each_role_sees_only_the_actions_it_may_take(string role)
    {
        var open = await RoleMatrix.NewTargetAsync(app, resolved: false);
        var resolved = await RoleMatrix.NewTargetAsync(app, resolved: true);
        var person = await app.SignedInAsRoleAsync(role);
        var reporter = RoleMatrix.May(role, Roles.Analyst);
        var supervisor = RoleMatrix.May(role, Roles.Supervisor);
        var admin = role == Roles.Admin;

        var dashboard = await person.GetHtmlAsync("/");
        Assert.Equal(reporter, dashboard.Contains("href=\"/Incidents/New\"", StringComparison.Ordinal));
        Assert.Equal(admin, dashboard.Contains("href=\"/Admin/Users\"", StringComparison.Ordinal));

        var incident = await person.GetHtmlAsync($"/Incidents/{open.Id}");
        foreach (var handler in new[] { "FollowUp", "Note", "Warning", "Answer", "Checklist" })
        {
            Assert.Equal(reporter, incident.Contains($"handler={handler}\"", StringComparison.Ordinal));
        }

        foreach (var handler in new[] { "Escalate", "Resolve", "Verify", "Verification", "ScaleReview" })
        {
            Assert.Equal(supervisor, incident.Contains($"handler={handler}\"", StringComparison.Ordinal));
        }

        // Every role sees likely duplicates (the target has one, logged an hour later); only supervisors are offered the merge.
        Assert.Contains("data-duplicate-id=", incident, StringComparison.Ordinal);
        Assert.Equal(supervisor, incident.Contains("handler=Merge", StringComparison.Ordinal));

        Assert.Equal(supervisor, (await person.GetHtmlAsync($"/Incidents/{resolved.Id}")).Contains("handler=Reopen\"", StringComparison.Ordinal));

        using var newPage = await person.GetAsync(new Uri("/Incidents/New", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(reporter ? HttpStatusCode.OK : HttpStatusCode.Forbidden, newPage.StatusCode);
        foreach (var adminPage in new[] { "/Admin/Users", "/Admin/ApiKeys", "/Admin/SecurityLog", "/Admin/Coalition" })
        {
            using var response = await person.GetAsync(new Uri(adminPage, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(admin ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
        }

        foreach (var readable in new[] { "/", "/Wall", "/Incidents", $"/Incidents/{open.Id}", "/Reference" })
        {
            using var response = await person.GetAsync(new Uri(readable, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
