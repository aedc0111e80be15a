using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Tests.Pages;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// The role is checked before the request is read. A caller whose role may not make a call gets the same 403 whether
/// its request is well formed or not: it must not learn from a 400 which fields a Supervisor's call takes, nor have
/// its body parsed at all. The role that may make the call, sending the same broken request, gets the 400, which is
/// what shows the request really was broken. The same for the incident page's forms.
/// </summary>
public sealed class RoleBeforeBindingTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (action, call) in RoleMatrix.Api)
        {
            foreach (var role in RoleMatrix.RolesInOrder.Where(r => !RoleMatrix.May(r, call.LeastRole)))
            {
                data.Add(role, action);
            }
        }

        return data;
    }

    // The matrix is what these tests and RoleMatrixTests walk: a call mapped later without an entry (and perhaps
    // without its endpoint's policy) would go unchecked, so every call mapped under /api must be in it.
    [Fact]
    public void Every_api_call_the_app_maps_is_in_the_role_matrix()
    {
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => $"{method} {Regex.Replace(e.RoutePattern.RawText!, @"\{(\w+):[^}]+\}", "{$1}").TrimEnd('/')}"))
            .ToList();

        Assert.Contains("POST /api/incidents", mapped);
        Assert.Empty(mapped.Except(RoleMatrix.Api.Keys));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_role_that_may_not_make_the_call_gets_403_for_a_broken_request(string role, string action)
    {
        var call = RoleMatrix.Api[action];
        var target = await RoleMatrix.NewTargetAsync(app, call.NeedsResolved);
        var before = await RoleMatrix.FingerprintAsync(app);

        using var refused = await SendBrokenAsync(app.CreateApiClient(await app.CreateApiKeyAsync(role)), action, target);
        var body = await Problems.AssertProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.False(body.TryGetProperty("errors", out _), $"{role} {action}: the 403 names fields: {body}");
        Assert.EndsWith($"it needs {string.Join(" or ", RoleMatrix.RolesInOrder.Where(r => RoleMatrix.May(r, call.LeastRole)))}.", body.GetProperty("detail").GetString());
        Assert.Equal(before, await RoleMatrix.FingerprintAsync(app));

        using var allowed = await SendBrokenAsync(app.CreateApiClient(await app.CreateApiKeyAsync(call.LeastRole)), action, target);
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
        if (action.StartsWith("POST", StringComparison.Ordinal))
        {
            await Problems.AssertProblemAsync(allowed, HttpStatusCode.BadRequest);
        }
    }

    /// <summary>The incident page's forms that can fail to bind, each with one field that does not parse.</summary>
    public static TheoryData<string, string, string, string, string> BrokenForms()
    {
        (string Handler, string LeastRole, string Field, string Value)[] forms =
        [
            ("FollowUp", Roles.Analyst, "FollowUp.OccurredAt", "yesterday-ish"),
            ("Answer", Roles.Analyst, "Answer.State", "Nope"),
            ("Checklist", Roles.Analyst, "Checklist.Item", "Nope"),
            ("Resolve", Roles.Supervisor, "Resolve.CeasedAt", "not a time"),
            ("Escalate", Roles.Supervisor, "Escalate.ToStage", "Nope"),
            ("Verification", Roles.Supervisor, "Verification.Status", "Nope"),
        ];
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var (handler, leastRole, field, value) in forms)
        {
            foreach (var role in RoleMatrix.RolesInOrder.Where(r => !RoleMatrix.May(r, leastRole)))
            {
                data.Add(role, handler, leastRole, field, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenForms))]
    public async Task A_role_that_may_not_post_a_form_gets_403_for_a_broken_one(string role, string handler, string leastRole, string field, string value)
    {
        var target = await RoleMatrix.NewTargetAsync(app, resolved: false);
        var path = $"/Incidents/{target.Id}?handler={handler}";
        var fields = handler == "FollowUp"
            ? PageForms.ReportFields("FollowUp", app.Now.UtcDateTime.AddMinutes(-5)).AsFields()
            : [];
        (string Name, string Value)[] broken = [.. fields.Where(f => f.Name != field), (field, value)];
        var before = await RoleMatrix.FingerprintAsync(app);

        using var refused = await (await app.SignedInAsRoleAsync(role)).PostFormAsync("/", path, broken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // The role that may post it is shown the form's error: the form really was broken.
        using var shown = await (await app.SignedInAsRoleAsync(leastRole)).PostFormAsync("/", path, broken);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var html = await shown.HtmlAsync();
        Assert.NotEmpty(PageForms.Errors(html) + PageForms.Summary(html));
        Assert.Equal(before, await RoleMatrix.FingerprintAsync(app));
    }

    /// <summary>The call with an unreadable body (POST), unreadable paging values (GET); a DELETE as it is.</summary>
    private static Task<HttpResponseMessage> SendBrokenAsync(HttpClient client, string action, RoleMatrix.Target target)
    {
        var space = action.IndexOf(' ', StringComparison.Ordinal);
        var method = new HttpMethod(action[..space]);
        var path = action[(space + 1)..]
            .Replace("{id}", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{reportId}", target.ReportId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var request = new HttpRequestMessage(method, method == HttpMethod.Get ? path + "?page=abc&pageSize=abc" : path);
        if (method == HttpMethod.Post && path == "/api/imports")
        {
            // The import takes a multipart form (anything else is a 415 from routing, before any role is looked at).
            request.Content = new StringContent("--cw\r\nContent-Disposition: form-data; name=\"file\"\r\n", Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cw");
        }
        else if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{\"reason\": ", Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request, Ct);
    }
}
