using System.Net;
using CeasefireWatch.Tests.Infrastructure;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// Where the sign-in page and the language and time-zone switches send a person afterwards: only to a page of this
/// app, whatever the address says, and never a 500 for one that holds letters outside ASCII. A redirect's address
/// travels in the Location header, which takes ASCII only: a search for "Київ" kept as typed in a link, or a
/// direction override in a crafted one, made the server fail after a right password (and drop the new session).
/// </summary>
public sealed class ReturnUrlTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    [Theory]
    [InlineData("/Incidents?q=Київ", "/Incidents?q=%D0%9A%D0%B8%D1%97%D0%B2")]
    [InlineData("/Incidents/1#timeline", "/Incidents/1#timeline")]
    [InlineData("/Incidents?q=%D0%9A", "/Incidents?q=%D0%9A")]
    [InlineData("/\u202Eevil", "/%E2%80%AEevil")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/\r\nSet-Cookie: a=b", "/")]
    public async Task Sign_in_goes_back_only_to_a_page_of_this_app(string returnUrl, string expected)
    {
        var browser = app.CreateBrowser();

        using var response = await browser.PostFormAsync("/Account/SignIn", "/Account/SignIn?returnUrl=" + Uri.EscapeDataString(returnUrl),
            ("Input.Email", CeasefireWatchFactory.AdminEmail), ("Input.Password", CeasefireWatchFactory.AdminPassword));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/Incidents", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory]
    [InlineData("/Incidents?q=Київ", "/Incidents?q=%D0%9A%D0%B8%D1%97%D0%B2")]
    [InlineData("/\u202Eevil", "/%E2%80%AEevil")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    public async Task The_preference_switches_go_back_only_to_a_page_of_this_app(string returnUrl, string expected)
    {
        var browser = app.CreateBrowser();

        using var language = await browser.PostFormAsync("/Account/SignIn", "/Preferences?handler=Language", ("culture", "uk"), ("returnUrl", returnUrl));
        using var saved = await browser.PostFormAsync("/Account/SignIn", "/Preferences", ("Culture", "en"), ("Zone", "Utc"), ("returnUrl", returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, language.StatusCode);
        Assert.Equal(expected, language.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(expected, saved.Headers.Location?.OriginalString);
    }
}
