using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.Problems;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// A JSON body with several values that do not read (a name for a number, text for a time) is answered with one 400
/// naming each of them, and what the request's validators find about the other fields beside them; nothing is stored.
/// The serializer alone stops at the first.
/// </summary>
public sealed class JsonBodyFieldsTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly HttpClient api = factory.CreateApiClient();

    private Task<int> IncidentCountAsync() => factory.WithDbAsync(db => db.Incidents.CountAsync(Ct));

    private Task<int> ReportCountAsync(int incidentId) =>
        factory.WithDbAsync(db => db.Reports.CountAsync(r => r.IncidentId == incidentId, Ct));

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>A valid incident but for a severity the contract does not list and a casualty count that is text.</summary>
    private JsonObject WithTwoBadValues()
    {
        var body = ValidIncident();
        body["severity"] = "High";
        body["killed"] = "many";
        return body;
    }

    private JsonObject ValidIncident() => JsonSerializer.SerializeToNode(CeasefireWatchFactory.IncidentBody(factory.Now))!.AsObject();

    [Fact]
    public async Task Every_value_that_does_not_read_is_named_with_what_it_takes()
    {
        var before = await IncidentCountAsync();
        var body = WithTwoBadValues();
        body["latitude"] = "north";
        body["occurredAt"] = "yesterday";

        using var response = await api.PostAsync("/api/incidents", Json(body), Ct);

        var errors = await AssertValidationProblemAsync(response, "severity", "killed", "latitude", "occurredAt");
        Assert.Equal("'severity' must be one of: Minor, Serious, Major.", Single(errors, "severity"));
        Assert.Equal("'killed' has a value of the wrong type.", Single(errors, "killed"));
        Assert.Equal("'latitude' has a value of the wrong type.", Single(errors, "latitude"));
        // Only what the value should have been: not also the validator's "say when", as if it had not been sent.
        Assert.Equal("'occurredAt' must be an ISO 8601 time with an offset, such as 2026-02-04T06:00:00Z.", Single(errors, "occurredAt"));
        Assert.Equal(before, await IncidentCountAsync());
    }

    [Fact]
    public async Task What_the_validators_find_in_the_fields_that_read_is_named_beside_them()
    {
        var before = await IncidentCountAsync();
        var body = ValidIncident();
        body["severity"] = 2;
        body["wounded"] = -1;
        body["title"] = "";
        body["oblast"] = "Atlantis";
        body["description"] = "Fire\u0000at dawn";

        using var response = await api.PostAsync("/api/incidents", Json(body), Ct);

        var errors = await AssertValidationProblemAsync(response, "severity", "wounded", "title", "oblast", "description");
        Assert.StartsWith("'severity' must be one of:", Single(errors, "severity"), StringComparison.Ordinal);
        Assert.Contains("control character", Single(errors, "description"), StringComparison.Ordinal);
        Assert.Equal(before, await IncidentCountAsync());
    }

    [Fact]
    public async Task Fields_sent_in_another_case_are_named_as_the_contract_spells_them()
    {
        var body = new JsonObject
        {
            ["Title"] = "Shelling", ["OccurredAt"] = CeasefireWatchFactory.Iso(factory.Now), ["Oblast"] = "Sumy", ["Location"] = "Sumy",
            ["ViolationType"] = "Nuke", ["Severity"] = "Minor", ["SourceType"] = "OpenSource", ["KILLED"] = true,
        };

        using var response = await api.PostAsync("/api/incidents", Json(body), Ct);

        await AssertValidationProblemAsync(response, "violationType", "killed");
    }

    [Fact]
    public async Task A_follow_up_report_with_two_bad_values_names_both_and_changes_nothing()
    {
        var incident = await factory.LogIncidentAsync(api);
        var body = JsonSerializer.SerializeToNode(CeasefireWatchFactory.ReportBody(factory.Now))!.AsObject();
        body["sourceType"] = "Rumour";
        body["longitude"] = "east";

        var reports = await ReportCountAsync(incident.Id);

        using var response = await api.PostAsync($"/api/incidents/{incident.Id}/reports", Json(body), Ct);

        await AssertValidationProblemAsync(response, "sourceType", "longitude");
        Assert.Equal(reports, await ReportCountAsync(incident.Id));
    }

    [Fact]
    public async Task A_bad_item_of_a_list_is_named_by_its_place()
    {
        var body = new JsonObject
        {
            ["name"] = "Desk", ["channel"] = "Email", ["target"] = 42, ["stages"] = new JsonArray("Coalition", 3),
        };

        var rules = await factory.WithDbAsync(db => db.Set<NotificationRule>().CountAsync(Ct));

        using var response = await api.PostAsync("/api/notification-rules", Json(body), Ct);

        await AssertValidationProblemAsync(response, "target", "stages[1]");
        Assert.Equal(rules, await factory.WithDbAsync(db => db.Set<NotificationRule>().CountAsync(Ct)));
    }

    [Fact]
    public async Task A_field_sent_twice_is_named_once_for_its_bad_value()
    {
        using var content = new StringContent(
            $$"""{"title":"T","occurredAt":"{{CeasefireWatchFactory.Iso(factory.Now)}}","oblast":"Sumy","location":"Sumy","violationType":"Shelling","sourceType":"OpenSource","severity":"High","severity":"Minor","killed":"x"}""",
            Encoding.UTF8, "application/json");

        using var response = await api.PostAsync("/api/incidents", content, Ct);

        await AssertValidationProblemAsync(response, "severity", "killed");
    }

    [Fact]
    public async Task A_bad_field_repeated_thousands_of_times_is_named_once_beside_the_others()
    {
        var before = await IncidentCountAsync();
        var fields = ValidIncident().ToJsonString().TrimStart('{');
        var body = "{" + string.Concat(Enumerable.Repeat("\"killed\":\"x\",", 4000)) + "\"severity\":\"High\"," + fields;

        using var response = await api.PostAsync("/api/incidents", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var errors = await AssertValidationProblemAsync(response, "killed", "severity");
        Assert.Equal("'killed' has a value of the wrong type.", Single(errors, "killed"));
        Assert.Equal(before, await IncidentCountAsync());
    }

    // A body too large to keep, or sent in chunks, is still a 400 with the first bad field named: no worse than before.
    [Fact]
    public async Task A_body_too_large_to_keep_names_the_first_bad_field()
    {
        var body = WithTwoBadValues();
        var padded = body.ToJsonString().Replace("{", "{" + new string(' ', 70 * 1024), StringComparison.Ordinal);

        using var response = await api.PostAsync("/api/incidents", new StringContent(padded, Encoding.UTF8, "application/json"), Ct);

        await AssertValidationProblemAsync(response, "severity");
    }

    [Fact]
    public async Task A_body_sent_in_chunks_names_the_first_bad_field()
    {
        var body = WithTwoBadValues();
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString())));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await api.SendAsync(request, Ct);

        await AssertValidationProblemAsync(response, "severity");
    }

    // Not a field's fault: a cut-off body once came back as "'title' has a value of the wrong type".
    [Theory]
    [InlineData("[1, 2]", "The body is not a JSON object.")]
    [InlineData("\"text\"", "The body is not a JSON object.")]
    [InlineData("{\"title\": ", "The body is not valid JSON: ")]
    [InlineData("{\"title\": \"T\", \"killed\": 1x}", "The body is not valid JSON: ")]
    public async Task A_body_that_is_not_a_json_object_is_a_400_saying_so(string text, string detail)
    {
        var before = await IncidentCountAsync();

        using var response = await api.PostAsync("/api/incidents", new StringContent(text, Encoding.UTF8, "application/json"), Ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("The request could not be read.", problem.GetProperty("title").GetString());
        Assert.StartsWith(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("errors", out _));
        Assert.Equal(before, await IncidentCountAsync());
    }

    // Some tools write a UTF-8 byte order mark; the serializer skips it, and so must the reading again.
    [Fact]
    public async Task A_body_starting_with_a_byte_order_mark_has_its_bad_fields_named()
    {
        var body = WithTwoBadValues();
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body.ToJsonString())]);
        content.Headers.ContentType = new("application/json");

        using var response = await api.PostAsync("/api/incidents", content, Ct);

        await AssertValidationProblemAsync(response, "severity", "killed");
    }

    // The framework's words for this were "Implicit body inferred for parameter "command" but no body was provided. Did you
    // mean to use a Service instead?": meant for the app's developers, not its callers.
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("null")]
    [InlineData(" null\n")]
    public async Task A_call_sent_without_a_body_is_told_it_needs_one(string? text)
    {
        var before = await IncidentCountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = text is null ? null : new StringContent(text, Encoding.UTF8, "application/json"),
        };

        using var response = await api.SendAsync(request, Ct);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(
            "This call needs a JSON object in its body (Content-Type: application/json) with the fields the API reference lists.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(before, await IncidentCountAsync());
    }

    [Fact]
    public async Task A_body_that_reads_is_taken_as_before()
    {
        using var response = await api.PostAsync("/api/incidents", Json(ValidIncident()), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static string? Single(JsonElement errors, string field) => Assert.Single(errors.GetProperty(field).EnumerateArray()).GetString();
}
