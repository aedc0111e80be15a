using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Tests.Security;
using CeasefireWatch.Tests.Pages;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CeasefireWatch.Tests.Admin;

/// <summary>/Admin/Users through the real pages: create, change role, disable and enable, reset password.</summary>
public sealed class UsersAdminTests
{
    private const string Page = "/Admin/Users";
    private const string AnalystEmail = "analyst@example.org";
    private const string AnalystPassword = "analyst passphrase one";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_user_holds_exactly_the_chosen_role_and_can_sign_in_with_it()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();

        await CreateUserAsync(admin, AnalystEmail, AnalystPassword, Roles.Analyst);

        var row = Browser.Row(await admin.GetHtmlAsync(Page), "data-email", AnalystEmail);
        Assert.NotNull(row);
        Assert.Contains("data-role=\"Analyst\"", row);
        Assert.Contains("data-status=\"active\"", row);
        Assert.Equal([Roles.Analyst], await RolesOfAsync(app, AnalystEmail));

        var analyst = await app.SignedInAsync(AnalystEmail, AnalystPassword);
        Assert.Contains($"{AnalystEmail} · Analyst", WebUtility.HtmlDecode(await analyst.GetHtmlAsync("/")));
    }

    [Fact]
    public async Task A_weak_password_is_a_message_by_the_password_field_and_creates_nobody()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();

        using var response = await admin.PostFormAsync(Page, $"{Page}?handler=Create",
            ("Create.Email", AnalystEmail), ("Create.Password", "short"), ("Create.Role", Roles.Analyst));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains("at least 12 characters", Browser.FieldError(html, "Create.Password"), StringComparison.Ordinal);
        // Like every refused form: an error summary at the top whose message links to its field.
        Assert.Contains("data-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("at least 12 characters", PageForms.Summary(html), StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Create_Password\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("short", html, StringComparison.Ordinal);
        Assert.Null(await app.WithAsync<UserManager<AppUser>, AppUser?>(users => users.FindByEmailAsync(AnalystEmail)));
        Assert.False(await app.WithDbAsync(db => db.SecurityEvents.AnyAsync(e => e.Kind == SecurityEventKind.UserCreated && e.Subject == AnalystEmail, Ct)));
    }

    [Fact]
    public async Task A_taken_email_or_an_unknown_role_is_a_message_by_its_field()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        await CreateUserAsync(admin, AnalystEmail, AnalystPassword, Roles.Analyst);

        using var duplicate = await admin.PostFormAsync(Page, $"{Page}?handler=Create",
            ("Create.Email", AnalystEmail.ToUpperInvariant()), ("Create.Password", "another passphrase"), ("Create.Role", Roles.Viewer));
        Assert.Equal("An account with this email already exists.", Browser.FieldError(await duplicate.HtmlAsync(), "Create.Email"));

        using var badRole = await admin.PostFormAsync(Page, $"{Page}?handler=Create",
            ("Create.Email", "root@example.org"), ("Create.Password", "another passphrase"), ("Create.Role", "Root"));
        Assert.StartsWith("Choose one of the roles", Browser.FieldError(await badRole.HtmlAsync(), "Create.Role"), StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.Users.CountAsync(Ct)));
    }

    [Fact]
    public async Task Changing_a_role_replaces_the_old_one_and_is_logged_from_and_to()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        await CreateUserAsync(admin, AnalystEmail, AnalystPassword, Roles.Analyst);
        var id = await IdOfAsync(app, AnalystEmail);
        var stampBefore = await StampOfAsync(app, AnalystEmail);

        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Role&id={id}", ("ChangeRole.Role", Roles.Supervisor));

        Assert.Equal([Roles.Supervisor], await RolesOfAsync(app, AnalystEmail));
        Assert.NotEqual(stampBefore, await StampOfAsync(app, AnalystEmail));
        Assert.Contains("data-role=\"Supervisor\"", Browser.Row(await admin.GetHtmlAsync(Page), "data-email", AnalystEmail));
        var logged = await app.WithDbAsync(db => db.SecurityEvents.SingleAsync(e => e.Kind == SecurityEventKind.RoleChanged, Ct));
        Assert.Equal(AnalystEmail, logged.Subject);
        Assert.Equal(CeasefireWatchFactory.AdminEmail, logged.Actor);
        Assert.Equal("from Analyst to Supervisor", logged.Details);
    }

    [Fact]
    public async Task The_last_enabled_administrator_keeps_the_role_and_nobody_disables_their_own_account()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        var adminId = await IdOfAsync(app, CeasefireWatchFactory.AdminEmail);

        using var demote = await admin.PostFormAsync(Page, $"{Page}?handler=Role&id={adminId}", ("ChangeRole.Role", Roles.Viewer));
        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        Assert.Contains(UserAccounts.LastAdminMessage, WebUtility.HtmlDecode(await demote.HtmlAsync()), StringComparison.Ordinal);
        Assert.Equal([Roles.Admin], await RolesOfAsync(app, CeasefireWatchFactory.AdminEmail));

        using var disableSelf = await admin.PostFormAsync(Page, $"{Page}?handler=Disable&id={adminId}");
        Assert.Equal(HttpStatusCode.OK, disableSelf.StatusCode);
        Assert.Contains(SetUserDisabled.OwnAccountMessage, WebUtility.HtmlDecode(await disableSelf.HtmlAsync()), StringComparison.Ordinal);

        // A second administrator disables the first; then the second is the last enabled one.
        await CreateUserAsync(admin, "second.admin@example.org", "second admin passphrase", Roles.Admin);
        var second = await app.SignedInAsync("second.admin@example.org", "second admin passphrase");
        await second.PostAndFollowAsync(Page, $"{Page}?handler=Disable&id={adminId}");
        var secondId = await IdOfAsync(app, "second.admin@example.org");
        using var demoteSecond = await second.PostFormAsync(Page, $"{Page}?handler=Role&id={secondId}", ("ChangeRole.Role", Roles.Analyst));
        Assert.Contains(UserAccounts.LastAdminMessage, WebUtility.HtmlDecode(await demoteSecond.HtmlAsync()), StringComparison.Ordinal);
        Assert.Equal([Roles.Admin], await RolesOfAsync(app, "second.admin@example.org"));

        // With the first enabled again, the second may step down.
        await second.PostAndFollowAsync(Page, $"{Page}?handler=Enable&id={adminId}");
        await second.PostAndFollowAsync(Page, $"{Page}?handler=Role&id={secondId}", ("ChangeRole.Role", Roles.Analyst));
        Assert.Equal([Roles.Analyst], await RolesOfAsync(app, "second.admin@example.org"));
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_an_enabled_one_can_again()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        await CreateUserAsync(admin, AnalystEmail, AnalystPassword, Roles.Analyst);
        var id = await IdOfAsync(app, AnalystEmail);
        var stampBefore = await StampOfAsync(app, AnalystEmail);

        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Disable&id={id}");

        Assert.Contains("data-status=\"disabled\"", Browser.Row(await admin.GetHtmlAsync(Page), "data-email", AnalystEmail));
        Assert.NotEqual(stampBefore, await StampOfAsync(app, AnalystEmail));
        await app.AssertSignInFailsAsync(AnalystEmail, AnalystPassword);

        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Enable&id={id}");

        Assert.Contains("data-status=\"active\"", Browser.Row(await admin.GetHtmlAsync(Page), "data-email", AnalystEmail));
        Assert.True(await app.CreateBrowser().TrySignInAsync(AnalystEmail, AnalystPassword));
        var kinds = await app.WithDbAsync(db => db.SecurityEvents.Where(e => e.Subject == AnalystEmail).Select(e => e.Kind).ToListAsync(Ct));
        Assert.Contains(SecurityEventKind.UserDisabled, kinds);
        Assert.Contains(SecurityEventKind.UserEnabled, kinds);
        Assert.Contains(SecurityEventKind.LockedOut, kinds);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_open_session_within_a_minute_and_leaves_others_signed_in()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CeasefireWatchFactory { Clock = clock };
        var admin = await app.SignedInAsAdminAsync();
        await CreateUserAsync(admin, AnalystEmail, AnalystPassword, Roles.Analyst);
        var analyst = await app.SignedInAsync(AnalystEmail, AnalystPassword);
        using (var before = await analyst.GetAsync(new Uri("/", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Disable&id={await IdOfAsync(app, AnalystEmail)}");
        clock.Advance(TimeSpan.FromSeconds(61));

        using var after = await analyst.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Account/SignIn", after.Headers.Location?.PathAndQuery(), StringComparison.Ordinal);
        using var adminStill = await admin.GetAsync(new Uri(Page, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, adminStill.StatusCode);
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_a_weak_one_is_refused_in_its_row()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        await CreateUserAsync(admin, AnalystEmail, AnalystPassword, Roles.Analyst);
        var id = await IdOfAsync(app, AnalystEmail);

        using var weak = await admin.PostFormAsync(Page, $"{Page}?handler=ResetPassword&id={id}", ("Reset.NewPassword", "tiny"));
        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("Passwords must be at least 12 characters.", await weak.HtmlAsync(), StringComparison.Ordinal);
        Assert.True(await app.CreateBrowser().TrySignInAsync(AnalystEmail, AnalystPassword));

        await admin.PostAndFollowAsync(Page, $"{Page}?handler=ResetPassword&id={id}", ("Reset.NewPassword", "a brand new passphrase"));

        Assert.True(await app.CreateBrowser().TrySignInAsync(AnalystEmail, "a brand new passphrase"));
        await app.AssertSignInFailsAsync(AnalystEmail, AnalystPassword);
        var logged = await app.WithDbAsync(db => db.SecurityEvents.SingleAsync(e => e.Kind == SecurityEventKind.PasswordReset, Ct));
        Assert.Equal(AnalystEmail, logged.Subject);
        Assert.DoesNotContain("brand new", logged.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_user_is_404()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();

        using var response = await admin.PostFormAsync(Page, $"{Page}?handler=Disable&id=no-such-user");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_script_in_an_email_is_shown_as_text_never_run()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        const string hostile = "<script>alert(1)</script>@x.org";

        using var response = await admin.PostFormAsync(Page, $"{Page}?handler=Create",
            ("Create.Email", hostile), ("Create.Password", AnalystPassword), ("Create.Role", Roles.Viewer));

        var html = await response.HtmlAsync();
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;@x.org", html, StringComparison.Ordinal);
        Assert.NotEmpty(Browser.FieldError(html, "Create.Email"));
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(Ct)));
    }

    internal static async Task CreateUserAsync(HttpClient admin, string email, string password, string role) =>
        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Create",
            ("Create.Email", email), ("Create.Password", password), ("Create.Role", role));

    private static Task<string> IdOfAsync(CeasefireWatchFactory app, string email) =>
        app.WithAsync<UserManager<AppUser>, string>(async users => (await users.FindByEmailAsync(email))!.Id);

    private static Task<string?> StampOfAsync(CeasefireWatchFactory app, string email) =>
        app.WithAsync<UserManager<AppUser>, string?>(async users => (await users.FindByEmailAsync(email))!.SecurityStamp);

    private static Task<string[]> RolesOfAsync(CeasefireWatchFactory app, string email) =>
        app.WithAsync<UserManager<AppUser>, string[]>(async users => [.. await users.GetRolesAsync((await users.FindByEmailAsync(email))!)]);
}
