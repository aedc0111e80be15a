using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Security;

/// <summary>Sign-in tells no stranger which emails exist, and five wrong passwords lock an account for 15 minutes.</summary>
public sealed class SignInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unknown_email_and_a_wrong_password_get_the_same_answer()
    {
        await using var app = new CeasefireWatchFactory();

        var unknown = await FailedSignInAsync(app, "nobody@example.org", "some long passphrase");
        var wrong = await FailedSignInAsync(app, CeasefireWatchFactory.AdminEmail, "some long passphrase");

        Assert.Equal(unknown.Status, wrong.Status);
        Assert.Equal(HttpStatusCode.OK, wrong.Status);
        Assert.Equal(unknown.Messages, wrong.Messages);
        Assert.Equal(SignInWithPassword.Failure, Assert.Single(wrong.Messages));
        Assert.False(unknown.SessionCookie || wrong.SessionCookie, "a failed sign-in set a session cookie");
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_15_minutes_even_against_the_right_one()
    {
        await using var app = new CeasefireWatchFactory();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, $"wrong passphrase number {attempt}");
        }

        // Locked: the right password is refused with the same words as a wrong one.
        await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword);
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword);

        app.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.True(await app.CreateBrowser().TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword),
            "the account was still locked more than 15 minutes after the fifth failure");

        var kinds = await app.WithDbAsync(db => db.SecurityEvents
            .Where(e => e.Subject == CeasefireWatchFactory.AdminEmail).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync(Ct));
        Assert.Equal(4, kinds.Count(k => k == SecurityEventKind.SignInFailed));
        Assert.Contains(SecurityEventKind.LockedOut, kinds);
        Assert.Equal(SecurityEventKind.SignedIn, kinds[^1]);
    }

    [Fact]
    public async Task Four_wrong_passwords_then_the_right_one_sign_in_and_start_the_count_again()
    {
        await using var app = new CeasefireWatchFactory();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, $"wrong passphrase number {attempt}");
        }

        Assert.True(await app.CreateBrowser().TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword));
        await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, "one more wrong passphrase");
        Assert.True(await app.CreateBrowser().TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword));
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site_and_the_password_policy_wants_12_characters()
    {
        await using var app = new CeasefireWatchFactory();
        var browser = app.CreateBrowser();
        var token = Browser.Token(await browser.GetHtmlAsync("/Account/SignIn"));
        using var form = new FormUrlEncodedContent([
            new("Input.Email", CeasefireWatchFactory.AdminEmail), new("Input.Password", CeasefireWatchFactory.AdminPassword), new("__RequestVerificationToken", token)]);

        using var response = await browser.PostAsync(new Uri("/Account/SignIn", UriKind.Relative), form, Ct);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cw.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);

        var tooShort = await app.WithAsync<Microsoft.AspNetCore.Identity.UserManager<AppUser>, bool>(async users =>
            (await users.CreateAsync(new AppUser { UserName = "short@example.org", Email = "short@example.org" }, "elevenchars")).Succeeded);
        Assert.False(tooShort);
    }

    private sealed record Answer(HttpStatusCode Status, IReadOnlyList<string> Messages, bool SessionCookie);

    private static async Task<Answer> FailedSignInAsync(CeasefireWatchFactory app, string email, string password)
    {
        var browser = app.CreateBrowser();
        using var response = await browser.PostFormAsync(
            "/Account/SignIn", "/Account/SignIn", ("Input.Email", email), ("Input.Password", password));
        var html = await response.HtmlAsync();
        var messages = CeasefireWatch.Tests.Pages.PageForms.Summary(html)
            .Split(" | ", StringSplitOptions.RemoveEmptyEntries)
            .Concat(CeasefireWatch.Tests.Pages.PageForms.Errors(html).Split(" | ", StringSplitOptions.RemoveEmptyEntries))
            .Distinct()
            .ToList();
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
        return new Answer(response.StatusCode, messages, cookies.Any(c => c.StartsWith("cw.session=", StringComparison.Ordinal)));
    }
}
