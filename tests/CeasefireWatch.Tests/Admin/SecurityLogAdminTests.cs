using System.Net;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Tests.Security;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Tests.Admin;

/// <summary>/Admin/SecurityLog, and the admin pages refusing everyone but administrators.</summary>
public sealed partial class SecurityLogAdminTests
{
    private const string Page = "/Admin/SecurityLog";

    [Fact]
    public async Task The_log_lists_sign_ins_failures_and_account_and_key_changes_with_the_source_address()
    {
        await using var app = new CeasefireWatchFactory();
        await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, "not the password");
        var admin = await app.SignedInAsAdminAsync();
        await UsersAdminTests.CreateUserAsync(admin, "analyst@example.org", "analyst passphrase one", Roles.Analyst);
        var id = await app.WithAsync<UserManager<AppUser>, string>(async users => (await users.FindByEmailAsync("analyst@example.org"))!.Id);
        await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?handler=Role&id={id}", ("ChangeRole.Role", Roles.Supervisor));
        using (await admin.PostFormAsync("/Admin/ApiKeys", "/Admin/ApiKeys?handler=Create", ("Create.Name", "drone-feed"), ("Create.Role", Roles.Analyst)))
        {
        }

        var keyId = await app.WithDbAsync(db => Task.FromResult(db.ApiKeys.Single(k => k.Name == "drone-feed").Id));
        await admin.PostAndFollowAsync("/Admin/ApiKeys", $"/Admin/ApiKeys?handler=Revoke&id={keyId}");

        var html = await admin.GetHtmlAsync(Page);

        SecurityEventKind[] expected =
        [
            SecurityEventKind.SignedIn, SecurityEventKind.SignInFailed, SecurityEventKind.UserCreated,
            SecurityEventKind.RoleChanged, SecurityEventKind.ApiKeyCreated, SecurityEventKind.ApiKeyRevoked,
        ];
        var rows = Rows(html);
        foreach (var kind in expected)
        {
            // (The bootstrap administrator's creation is logged too, at start, from no address: the analyst's is the one.)
            var row = Assert.Single(rows, r => r.Contains($"data-kind=\"{kind}\"", StringComparison.Ordinal)
                && (kind != SecurityEventKind.UserCreated || r.Contains(">analyst@example.org</td>", StringComparison.Ordinal)));
            Assert.Contains($"<td data-source data-label=\"Source address\">{CeasefireWatchFactory.ClientAddress}</td>", row, StringComparison.Ordinal);
            Assert.Contains(kind.Label(), row, StringComparison.Ordinal);
        }

        Assert.Contains("from Analyst to Supervisor", html, StringComparison.Ordinal);

        // Newest first: the revocation, the last thing done, heads the list.
        Assert.Contains("data-kind=\"ApiKeyRevoked\"", rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_pages_by_fifty_newest_first()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 60; i++)
            {
                db.SecurityEvents.Add(new SecurityEvent
                {
                    At = start.AddMinutes(i), Kind = SecurityEventKind.SignInFailed, Subject = $"probe-{i:00}@example.org",
                    Actor = "anonymous", SourceAddress = "198.51.100.1", Details = "Wrong email or password.",
                });
            }

            return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var total = await app.WithDbAsync(db => Task.FromResult(db.SecurityEvents.Count()));

        var first = await admin.GetHtmlAsync(Page);
        var second = await admin.GetHtmlAsync($"{Page}?page=2");

        Assert.Equal(ListSecurityEvents.PageSize, Rows(first).Count);
        Assert.Equal(total - ListSecurityEvents.PageSize, Rows(second).Count);
        Assert.Contains($"Page 2 of 2", second, StringComparison.Ordinal);
        Assert.Contains($"{total} events", first, StringComparison.Ordinal);

        // The seeded probes are older than the admin's sign-in, so the oldest probe is the last line of page 2.
        Assert.Contains("probe-00@example.org", Rows(second)[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("probe-00@example.org", first, StringComparison.Ordinal);
        Assert.Contains("probe-59@example.org", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_in_a_tried_email_is_shown_as_text_never_run()
    {
        await using var app = new CeasefireWatchFactory();
        await app.AssertSignInFailsAsync("<script>alert(1)</script>@x.org", "whatever it is");
        var admin = await app.SignedInAsAdminAsync();

        var html = await admin.GetHtmlAsync(Page);

        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;@x.org", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Admin/Users")]
    [InlineData("/Admin/ApiKeys")]
    [InlineData("/Admin/SecurityLog")]
    public async Task An_analyst_gets_403_on_the_admin_pages(string path)
    {
        await using var app = new CeasefireWatchFactory();
        var analyst = await AnalystAsync(app);

        using var response = await analyst.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_analyst_posting_to_the_admin_forms_gets_403_and_changes_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var analyst = await AnalystAsync(app);
        var adminId = await app.WithAsync<UserManager<AppUser>, string>(async users => (await users.FindByEmailAsync(CeasefireWatchFactory.AdminEmail))!.Id);

        // A valid antiforgery token from a page the analyst may open, so only the role stands in the way.
        using var create = await analyst.PostFormAsync("/", "/Admin/Users?handler=Create",
            ("Create.Email", "intruder@example.org"), ("Create.Password", "intruder passphrase"), ("Create.Role", Roles.Admin));
        using var disable = await analyst.PostFormAsync("/", $"/Admin/Users?handler=Disable&id={adminId}");
        using var key = await analyst.PostFormAsync("/", "/Admin/ApiKeys?handler=Create", ("Create.Name", "intruder"), ("Create.Role", Roles.Admin));

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, key.StatusCode);
        Assert.Null(await app.WithAsync<UserManager<AppUser>, AppUser?>(users => users.FindByEmailAsync("intruder@example.org")));
        Assert.False(await app.WithDbAsync(db => Task.FromResult(db.ApiKeys.Any(k => k.Name == "intruder"))));
        Assert.False(await app.WithAsync<UserManager<AppUser>, bool>(async users => await users.IsLockedOutAsync((await users.FindByIdAsync(adminId))!)));
    }

    [Fact]
    public async Task Someone_not_signed_in_is_sent_to_sign_in()
    {
        await using var app = new CeasefireWatchFactory();

        using var response = await app.CreateBrowser().GetAsync(new Uri("/Admin/Users", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/SignIn", response.Headers.Location?.PathAndQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_admin_request_requires_the_Administer_policy_so_no_other_endpoint_can_send_it_unchecked()
    {
        Type[] requests =
        [
            typeof(ListUsers.Query), typeof(CreateUser.Command), typeof(SetUserRole.Command), typeof(SetUserDisabled.Command),
            typeof(ResetPassword.Command), typeof(ListApiKeys.Query), typeof(CreateApiKey.Command), typeof(RevokeApiKey.Command),
            typeof(ListSecurityEvents.Query),
        ];

        Assert.All(requests, t => Assert.Equal(Policies.Administer,
            Assert.Single(t.GetCustomAttributes(typeof(RequiresPolicyAttribute), false).Cast<RequiresPolicyAttribute>()).Policy));
    }

    private static async Task<HttpClient> AnalystAsync(CeasefireWatchFactory app)
    {
        var admin = await app.SignedInAsAdminAsync();
        await UsersAdminTests.CreateUserAsync(admin, "analyst@example.org", "analyst passphrase one", Roles.Analyst);
        return await app.SignedInAsync("analyst@example.org", "analyst passphrase one");
    }

    private static List<string> Rows(string html) =>
        [.. LogRow().Matches(html).Select(m => m.Value)];

    [GeneratedRegex("<tr data-kind=\"[^\"]+\".*?</tr>", RegexOptions.Singleline)]
    private static partial Regex LogRow();
}
