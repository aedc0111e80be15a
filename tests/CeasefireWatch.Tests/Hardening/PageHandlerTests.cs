using System.Net;
using CeasefireWatch.Tests.Infrastructure;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: a form posted to a page under a handler name the page does not have (or with none, to a page
/// without a plain POST) made Razor Pages draw the page without running any handler, which for the dashboard, the
/// wall and an incident's page was a 500 (their model was never read) and for the others a page of empty lists; and
/// revoking an API key named by an id that is not a positive number was a 500.
/// </summary>
public sealed class PageHandlerTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/Wall")]
    [InlineData("/Incidents/{id}")]
    [InlineData("/Incidents")]
    [InlineData("/Admin/Users")]
    [InlineData("/Admin/ApiKeys")]
    [InlineData("/Notifications")]
    public async Task A_post_under_a_handler_the_page_lacks_is_a_404_and_without_one_a_405(string page)
    {
        var admin = await app.SignedInAsAdminAsync();
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var path = page.Replace("{id}", incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var named = await admin.PostFormAsync(path, $"{path}?handler=Nope");
        using var unnamed = await admin.PostFormAsync(path, path);
        using var language = await admin.PostFormAsync(path, $"{path}?handler=Language", ("culture", "uk"));

        Assert.Equal(HttpStatusCode.NotFound, named.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, language.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, unnamed.StatusCode);
        Assert.Contains(HttpMethod.Get.Method, unnamed.Content.Headers.Allow);
        Assert.Contains("<main", await named.HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_method_than_get_or_post_is_a_405_page()
    {
        var admin = await app.SignedInAsAdminAsync();
        var token = Browser.Token(await admin.GetHtmlAsync("/Incidents"));
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/Incidents");
        request.Headers.Add("RequestVerificationToken", token);

        using var response = await admin.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("This page takes no such request. Nothing was changed.", await response.HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_whose_plain_post_exists_still_takes_it()
    {
        var browser = app.CreateBrowser();

        using var saved = await browser.PostFormAsync("/Account/SignIn", "/Preferences", ("Culture", "en"), ("Zone", "Utc"));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("99999999999")]
    public async Task Revoking_a_key_named_by_an_id_that_is_no_key_number_is_a_400_not_a_500(string id)
    {
        var admin = await app.SignedInAsAdminAsync();

        using var response = await admin.PostFormAsync("/Admin/ApiKeys", $"/Admin/ApiKeys?handler=Revoke&id={id}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Nothing was changed.", WebUtility.HtmlDecode(await response.HtmlAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/Admin/ApiKeys", UriKind.Relative), Ct)).StatusCode);
    }
}
