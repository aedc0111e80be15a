using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Security;

/// <summary>With no user and nothing configured, a one-time setup page creates the first administrator, then is gone.</summary>
public sealed class SetupTests
{
    private const string Email = "first.admin@example.org";
    private const string Password = "a first admin passphrase";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/Incidents")]
    [InlineData("/Account/SignIn")]
    [InlineData("/Admin/Users")]
    public async Task While_no_user_exists_every_page_leads_to_setup(string path)
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };

        using var response = await app.CreateBrowser().GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Setup", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task While_no_user_exists_health_and_the_api_answer_as_always()
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };

        using var health = await app.CreateClient().GetAsync("/health", Ct);
        using var anonymous = await app.CreateBrowser().GetAsync(new Uri("/api/stats", UriKind.Relative), Ct);
        using var keyed = await app.CreateApiClient().GetAsync("/api/stats", Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await Problems.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    // A program cannot fill in the setup page: before setup, the live hub and the OpenAPI document answered a client
    // with a redirect to it, where after setup they answer a 401 problem, or the document to a valid key.
    [Fact]
    public async Task While_no_user_exists_the_hub_and_the_api_document_answer_programs_as_always()
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };
        var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });

        using var hub = await anonymous.PostAsync(new Uri("/hubs/live/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
        using var document = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct);
        using var keyedDocument = await app.CreateApiClient().GetAsync("/openapi/v1.json", Ct);

        await Problems.AssertProblemAsync(hub, HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(document, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, keyedDocument.StatusCode);
        Assert.Equal("application/json", keyedDocument.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("not-an-email", Password, Password, "Input.Email")]
    [InlineData("", Password, Password, "Input.Email")]
    [InlineData(Email, "too short", "too short", "Input.Password")]
    [InlineData(Email, Password, "another passphrase", "Input.ConfirmPassword")]
    public async Task A_bad_field_is_a_message_by_it_and_creates_nobody(string email, string password, string confirm, string field)
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };

        using var response = await app.CreateBrowser().PostFormAsync("/Setup", "/Setup",
            ("Input.Email", email), ("Input.Password", password), ("Input.ConfirmPassword", confirm));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(Browser.FieldError(await response.HtmlAsync(), field));
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(Ct)));
    }

    [Fact]
    public async Task Setup_creates_one_signed_in_administrator_and_is_gone_afterwards()
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };
        var browser = app.CreateBrowser();

        using var done = await browser.PostFormAsync("/Setup", "/Setup",
            ("Input.Email", Email), ("Input.Password", Password), ("Input.ConfirmPassword", Password));

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("data-role=\"Admin\"", await browser.GetHtmlAsync("/Admin/Users"), StringComparison.Ordinal);
        var roles = await app.WithAsync<UserManager<AppUser>, IList<string>>(async users => await users.GetRolesAsync((await users.FindByEmailAsync(Email))!));
        Assert.Equal([Roles.Admin], roles);
        Assert.Contains(SecurityEventKind.SetupCompleted, await app.WithDbAsync(db => db.SecurityEvents.Select(e => e.Kind).ToListAsync(Ct)));

        using var again = await app.CreateBrowser().GetAsync(new Uri("/Setup", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var second = await app.CreateBrowser().PostFormAsync("/Account/SignIn", "/Setup",
            ("Input.Email", "second@example.org"), ("Input.Password", Password), ("Input.ConfirmPassword", Password));
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        using var broken = await app.CreateBrowser().PostFormAsync("/Account/SignIn", "/Setup",
            ("Input.Email", "not an email"), ("Input.Password", "short"), ("Input.ConfirmPassword", "other"));
        Assert.Equal(HttpStatusCode.NotFound, broken.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(Ct)));
        Assert.True(await app.CreateBrowser().TrySignInAsync(Email, Password));
    }

    [Fact]
    public async Task Two_setups_posted_at_once_make_exactly_one_administrator()
    {
        await using var app = new CeasefireWatchFactory { WithBootstrapAdmin = false };
        var first = app.CreateBrowser();
        var second = app.CreateBrowser();
        var firstToken = Browser.Token(await first.GetHtmlAsync("/Setup"));
        var secondToken = Browser.Token(await second.GetHtmlAsync("/Setup"));

        var answers = await Task.WhenAll(
            PostSetupAsync(first, firstToken, "one@example.org"),
            PostSetupAsync(second, secondToken, "two@example.org"));

        Assert.Single(answers, s => s == HttpStatusCode.Redirect);
        Assert.Single(answers, s => s == HttpStatusCode.NotFound);
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(Ct)));
    }

    // Several instances share one database (PostgreSQL behind a load balancer): each had only its own in-process gate, so
    // two first visitors sent to two instances both became administrator. A slow password hash holds both in the window.
    [Fact]
    public async Task Two_setups_posted_at_once_to_two_instances_make_exactly_one_administrator()
    {
        var path = CeasefireWatchFactory.NewDatabasePath();
        void Slow(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddScoped<IPasswordHasher<AppUser>, SlowHasher>(services);
        await using var one = new CeasefireWatchFactory { WithBootstrapAdmin = false, DatabasePath = path, TestServices = Slow };
        await using var two = new CeasefireWatchFactory { WithBootstrapAdmin = false, DatabasePath = path, KeepDatabase = true, TestServices = Slow };
        var first = one.CreateBrowser();
        var firstToken = Browser.Token(await first.GetHtmlAsync("/Setup"));
        var second = two.CreateBrowser();
        var secondToken = Browser.Token(await second.GetHtmlAsync("/Setup"));

        var answers = await Task.WhenAll(
            PostSetupAsync(first, firstToken, "one@example.org"),
            PostSetupAsync(second, secondToken, "two@example.org"));

        Assert.Equal(1, await one.WithDbAsync(db => db.Users.CountAsync(Ct)));
        Assert.Single(answers, s => s == HttpStatusCode.Redirect);
        Assert.Single(answers, s => s == HttpStatusCode.NotFound);
    }

    /// <summary>Identity's hasher, a third of a second slower: a setup takes that long between its check and its insert.</summary>
    private sealed class SlowHasher : PasswordHasher<AppUser>
    {
        public override string HashPassword(AppUser user, string password)
        {
            Thread.Sleep(300);
            return base.HashPassword(user, password);
        }
    }

    [Fact]
    public async Task With_a_bootstrap_administrator_there_is_no_setup_page_at_all()
    {
        await using var app = new CeasefireWatchFactory();

        using var page = await app.CreateBrowser().GetAsync(new Uri("/Setup", UriKind.Relative), Ct);
        using var home = await app.CreateBrowser().GetAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.StartsWith("/Account/SignIn", home.Headers.Location?.PathAndQuery(), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> PostSetupAsync(HttpClient browser, string token, string email)
    {
        using var form = new FormUrlEncodedContent([
            new("Input.Email", email), new("Input.Password", Password), new("Input.ConfirmPassword", Password), new("__RequestVerificationToken", token)]);
        using var response = await browser.PostAsync(new Uri("/Setup", UriKind.Relative), form, Ct);
        return response.StatusCode;
    }
}
