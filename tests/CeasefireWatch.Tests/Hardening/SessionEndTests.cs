using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: a copied <c>cw.session</c> cookie still read pages and posted notes long after sign-out. Signing
/// out, disabling the account, changing its role and resetting its password must end every session of that user
/// at once — on the very next request, with no clock moving.
/// </summary>
public sealed class SessionEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cookie_kept_from_before_sign_out_opens_nothing_and_posts_nothing()
    {
        await using var app = new CeasefireWatchFactory();
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        await app.SignedInAsRoleAsync(Roles.Analyst, "kept-cookie@example.org");
        var session = await ManualSession.SignInAsync(app, "kept-cookie@example.org", Browser.UserPassword);
        var stolen = session.CopyOfCookie();
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync(new Uri($"/Incidents/{incident.Id}", UriKind.Relative), Ct)).StatusCode);

        await session.SignOutAsync();

        using var page = await stolen.GetAsync(new Uri($"/Incidents/{incident.Id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/SignIn", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var api = await stolen.GetAsync(new Uri($"/api/incidents/{incident.Id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var after = await CeasefireWatchFactory.GetIncidentAsync(app.CreateApiClient(), incident.Id);
        Assert.Equal(incident.Id, after.Id);
    }

    [Fact]
    public async Task Signing_out_on_one_device_ends_the_session_on_another()
    {
        await using var app = new CeasefireWatchFactory();
        var laptop = await app.SignedInAsAdminAsync();
        var phone = await app.SignedInAsAdminAsync();

        await laptop.PostAndFollowAsync("/", "/Account/SignOut");

        using var response = await phone.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData("Disable")]
    [InlineData("Role")]
    [InlineData("Password")]
    public async Task An_administrators_change_ends_the_users_open_session_at_once(string change)
    {
        await using var app = new CeasefireWatchFactory();
        var email = $"analyst-{change.ToLowerInvariant()}@example.org";
        var analyst = await app.SignedInAsRoleAsync(Roles.Analyst, email);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);
        var userId = await app.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).Id));
        var admin = await app.SignedInAsAdminAsync();

        switch (change)
        {
            case "Disable":
                await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?handler=Disable&id={userId}");
                break;
            case "Role":
                await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?handler=Role&id={userId}", ("ChangeRole.Role", Roles.Viewer));
                break;
            default:
                await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?handler=ResetPassword&id={userId}", ("Reset.NewPassword", "another long passphrase"));
                break;
        }

        // No clock moves: the next request is refused.
        using var response = await analyst.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/SignIn", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

}

/// <summary>A browser session driven by hand, so its <c>cw.session</c> cookie can be copied as an attacker would.</summary>
internal sealed class ManualSession(CeasefireWatchFactory app, string sessionCookie)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string SessionCookie { get; } = sessionCookie;

    public static async Task<ManualSession> SignInAsync(CeasefireWatchFactory app, string email, string password)
    {
        var client = Plain(app);
        using var form = await client.GetAsync(new Uri("/Account/SignIn", UriKind.Relative), Ct);
        var token = Browser.Token(await form.HtmlAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/SignIn")
        {
            Content = new FormUrlEncodedContent([new("Input.Email", email), new("Input.Password", password), new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("Cookie", string.Join("; ", Cookies(form)));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new ManualSession(app, Cookies(response).Single(c => c.StartsWith("cw.session=", StringComparison.Ordinal)));
    }

    /// <summary>A client that sends this session's cookie on every request and keeps nothing it is sent.</summary>
    public HttpClient CopyOfCookie()
    {
        var client = Plain(app);
        client.DefaultRequestHeaders.Add("Cookie", SessionCookie);
        return client;
    }

    /// <summary>Presses "Sign out" on the dashboard, with this session's cookie and the page's antiforgery token.</summary>
    public async Task SignOutAsync()
    {
        var client = CopyOfCookie();
        using var page = await client.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = Browser.Token(await page.HtmlAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/SignOut")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("Cookie", string.Join("; ", Cookies(page).Append(SessionCookie)));
        using var response = await Plain(app).SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static HttpClient Plain(CeasefireWatchFactory app) =>
        app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static IEnumerable<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : [];
}
