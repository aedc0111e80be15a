using System.Net;
using System.Text.RegularExpressions;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>
/// What a person does in a browser, over a cookie-keeping client: open a page, read the form's
/// antiforgery token, post the form.
/// </summary>
internal static partial class Browser
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The body of a page answer.</summary>
    public static Task<string> HtmlAsync(this HttpResponseMessage response) => response.Content.ReadAsStringAsync(Ct);

    public static async Task<string> GetHtmlAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.HtmlAsync();
    }

    /// <summary>Opens <paramref name="formPage"/> for its antiforgery token, then posts the fields to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(
        this HttpClient client, string formPage, string action, params (string Name, string Value)[] fields)
    {
        var token = Token(await client.GetHtmlAsync(formPage));
        using var content = new FormUrlEncodedContent(
            [.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("__RequestVerificationToken", token)]);
        return await client.PostAsync(new Uri(action, UriKind.Relative), content, Ct);
    }

    /// <summary>Signs in through the real sign-in page; true when it redirected (success).</summary>
    public static async Task<bool> TrySignInAsync(this HttpClient client, string email, string password)
    {
        using var response = await client.PostFormAsync(
            "/Account/SignIn", "/Account/SignIn", ("Input.Email", email), ("Input.Password", password));
        return response.StatusCode == HttpStatusCode.Redirect;
    }

    public static async Task<HttpClient> SignedInAsync(this CeasefireWatchFactory app, string email, string password)
    {
        var client = app.CreateBrowser();
        Assert.True(await client.TrySignInAsync(email, password), $"{email} could not sign in.");
        return client;
    }

    public static Task<HttpClient> SignedInAsAdminAsync(this CeasefireWatchFactory app) =>
        app.SignedInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword);

    /// <summary>The password of every user made by <see cref="SignedInAsRoleAsync"/>.</summary>
    public const string UserPassword = "a passphrase long enough";

    /// <summary>
    /// A browser signed in through the sign-in page as a new user holding <paramref name="role"/>; the user is made
    /// straight through Identity's user manager, as the admin pages (tested on their own) would make it.
    /// </summary>
    public static async Task<HttpClient> SignedInAsRoleAsync(this CeasefireWatchFactory app, string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..20] + "@example.org";
        await app.WithAsync<UserManager<AppUser>, bool>(async users =>
        {
            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(user, UserPassword);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
            return true;
        });
        return await app.SignedInAsync(email, UserPassword);
    }

    /// <summary>The sign-in page's answer to a failure: the one generic message, whatever went wrong.</summary>
    public static async Task AssertSignInFailsAsync(this CeasefireWatchFactory app, string email, string password)
    {
        var client = app.CreateBrowser();
        using var response = await client.PostFormAsync(
            "/Account/SignIn", "/Account/SignIn", ("Input.Email", email), ("Input.Password", password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(SignInWithPassword.Failure, WebUtility.HtmlDecode(await response.HtmlAsync()));
    }

    /// <summary>Posts an admin form and expects post/redirect/get back to the page.</summary>
    public static async Task PostAndFollowAsync(
        this HttpClient client, string formPage, string action, params (string Name, string Value)[] fields)
    {
        using var response = await client.PostFormAsync(formPage, action, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"Expected a redirect from {action}, got {(int)response.StatusCode}: {await response.HtmlAsync()}");
    }

    public static string Token(string html) =>
        TokenInput().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups["value"].Value)
            : throw new InvalidOperationException("The page has no antiforgery token.");

    /// <summary>The text of the validation message for <paramref name="field"/> (e.g. "Create.Email"), decoded.</summary>
    public static string FieldError(string html, string field)
    {
        var match = Regex.Match(html, $"data-valmsg-for=\"{Regex.Escape(field)}\"[^>]*>(?<text>[^<]*)</span>");
        return match.Success ? WebUtility.HtmlDecode(match.Groups["text"].Value) : string.Empty;
    }

    /// <summary>The opening tag of the table row marked with <paramref name="attribute"/>="<paramref name="value"/>".</summary>
    public static string? Row(string html, string attribute, string value)
    {
        var match = Regex.Match(html, $"<tr [^>]*{attribute}=\"{Regex.Escape(WebUtility.HtmlEncode(value))}\"[^>]*>");
        return match.Success ? match.Value : null;
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex TokenInput();
}
