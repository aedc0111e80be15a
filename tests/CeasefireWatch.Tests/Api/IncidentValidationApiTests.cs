using System.Net;
using System.Text.Json.Nodes;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Domain;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Problems;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// Every validation rule of <c>POST /api/incidents</c>: a 400 problem with an <c>errors</c> object keyed by the
/// camelCase field, and nothing stored. The clock is never moved in this class.
/// </summary>
public sealed class IncidentValidationApiTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private const string Remove = "<remove>";

    private readonly HttpClient client = factory.CreateApiClient();

    private async Task<int> TotalAsync() => (await ListIncidentsAsync(client, "pageSize=1")).Total;

    /// <summary>Posts a valid body with one field changed (a JSON literal) or removed, and checks the 400 stored nothing.</summary>
    private async Task AssertRejectedAsync(Action<Dictionary<string, object?>> change, params string[] errorFields)
    {
        var before = await TotalAsync();

        using var response = await factory.PostIncidentAsync(client, change: change);

        await AssertValidationProblemAsync(response, errorFields);
        Assert.Equal(before, await TotalAsync());
    }

    [Theory]
    [InlineData("title", Remove, "title")]
    [InlineData("title", "\"\"", "title")]
    [InlineData("title", "\"   \"", "title")]
    [InlineData("title", "null", "title")]
    [InlineData("occurredAt", Remove, "occurredAt")]
    [InlineData("occurredAt", "null", "occurredAt")]
    [InlineData("occurredAt", "\"2026-02-04T05:00:00\"", "occurredAt")]
    [InlineData("occurredAt", "\"2026-02-04\"", "occurredAt")]
    [InlineData("occurredAt", "\"yesterday\"", "occurredAt")]
    [InlineData("occurredAt", "1770184800", "occurredAt")]
    [InlineData("occurredAt", "\"2013-12-31T23:59:59Z\"", "occurredAt")]
    [InlineData("oblast", Remove, "oblast")]
    [InlineData("oblast", "\"\"", "oblast")]
    [InlineData("oblast", "\"Atlantis\"", "oblast")]
    [InlineData("oblast", "\"Moscow\"", "oblast")]
    [InlineData("location", Remove, "location")]
    [InlineData("location", "\"\"", "location")]
    [InlineData("location", "\"  \"", "location")]
    [InlineData("latitude", "53.0001", "latitude")]
    [InlineData("latitude", "42.9999", "latitude")]
    [InlineData("latitude", "-47.66", "latitude")]
    [InlineData("longitude", "41.0001", "longitude")]
    [InlineData("longitude", "20.9999", "longitude")]
    [InlineData("latitude", Remove, "latitude")]
    [InlineData("longitude", Remove, "longitude")]
    [InlineData("violationType", Remove, "violationType")]
    [InlineData("violationType", "\"Nuke\"", "violationType")]
    [InlineData("violationType", "0", "violationType")]
    [InlineData("violationType", "\"0\"", "violationType")]
    [InlineData("severity", Remove, "severity")]
    [InlineData("severity", "\"Catastrophic\"", "severity")]
    [InlineData("severity", "2", "severity")]
    [InlineData("severity", "\"2\"", "severity")]
    [InlineData("sourceType", Remove, "sourceType")]
    [InlineData("sourceType", "\"Rumour\"", "sourceType")]
    [InlineData("sourceType", "1", "sourceType")]
    [InlineData("sourceType", "\"1\"", "sourceType")]
    [InlineData("sourceType", "\"+1\"", "sourceType")]
    [InlineData("severity", "\"Minor, Serious\"", "severity")]
    [InlineData("violationType", "\"Shelling, MissileStrike\"", "violationType")]
    [InlineData("killed", "-1", "killed")]
    [InlineData("killed", "100001", "killed")]
    [InlineData("killed", "1.5", "killed")]
    [InlineData("wounded", "-1", "wounded")]
    [InlineData("wounded", "\"many\"", "wounded")]
    public async Task An_invalid_field_is_a_400_keyed_by_that_field_and_nothing_is_stored(string field, string json, string errorField)
    {
        await AssertRejectedAsync(
            body =>
            {
                if (json == Remove)
                {
                    body.Remove(field);
                }
                else
                {
                    body[field] = JsonNode.Parse(json);
                }
            },
            errorField);
    }

    [Fact]
    public async Task A_missing_occurredAt_gets_one_message_not_a_second_about_the_future()
    {
        using var response = await factory.PostIncidentAsync(client, change: body => body.Remove("occurredAt"));

        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var messages = problem.RootElement.GetProperty("errors").GetProperty("occurredAt");
        Assert.Equal("Say when the violation occurred.", Assert.Single(messages.EnumerateArray()).GetString());
    }

    // Once "pick the oblast" is said, "'' is not one of Ukraine's regions" and its list of 27 names says nothing new.
    [Theory]
    [InlineData(Remove)]
    [InlineData("\"\"")]
    [InlineData("null")]
    public async Task A_missing_oblast_gets_one_message_not_a_second_listing_the_regions(string json)
    {
        using var response = await factory.PostIncidentAsync(client, change: body =>
        {
            if (json == Remove)
            {
                body.Remove("oblast");
            }
            else
            {
                body["oblast"] = JsonNode.Parse(json);
            }
        });

        var errors = await AssertValidationProblemAsync(response, "oblast");
        Assert.Equal("Pick the oblast where it happened.", Assert.Single(errors.GetProperty("oblast").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("violationType", "Shelling, MissileStrike, DroneStrike, AirStrike, SmallArmsFire, GroundAssault, AirspaceViolation, Other")]
    [InlineData("severity", "Minor, Serious, Major")]
    [InlineData("sourceType", "UkrainianForces, MonitoringDrone, GroundSensor, SatelliteImagery, CoalitionLiaison, OpenSource, Other")]
    public async Task An_unknown_name_is_answered_with_the_names_that_are_accepted(string field, string names)
    {
        using var response = await factory.PostIncidentAsync(client, change: body => body[field] = "Unknown");

        var errors = await AssertValidationProblemAsync(response, field);
        Assert.Contains(names, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_oblast_is_answered_with_the_canonical_names()
    {
        using var response = await factory.PostIncidentAsync(client, change: body => body["oblast"] = "Atlantis");

        var errors = await AssertValidationProblemAsync(response, "oblast");
        var message = errors.GetProperty("oblast")[0].GetString();
        Assert.All(Oblasts.All, name => Assert.Contains(name, message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OccurredAt_more_than_5_minutes_ahead_of_the_clock_is_a_400()
    {
        await AssertRejectedAsync(body => body["occurredAt"] = Iso(factory.Now.AddMinutes(5).AddTicks(1)), "occurredAt");
    }

    [Fact]
    public async Task OccurredAt_exactly_5_minutes_ahead_of_the_clock_is_accepted_and_enters_tier_1_due_then()
    {
        var before = await TotalAsync();
        var t0 = factory.Now.AddMinutes(5);

        var logged = await factory.LogIncidentAsync(client, t0);

        Assert.Equal(before + 1, await TotalAsync());
        Assert.Equal(t0.UtcDateTime, logged.OccurredAt);
        var entered = Assert.Single((await GetIncidentAsync(client, logged.Id)).StagesEntered);
        Assert.Equal(t0.UtcDateTime, entered.DueAt);
        Assert.Equal(factory.Now.UtcDateTime, entered.At);
    }

    [Fact]
    public async Task A_time_with_a_non_utc_offset_is_accepted_and_returned_in_utc()
    {
        var logged = await factory.LogIncidentAsync(client, change: body => body["occurredAt"] = "2026-02-04T07:30:00+02:00");

        Assert.Equal(new DateTime(2026, 2, 4, 5, 30, 0, DateTimeKind.Utc), logged.OccurredAt);
    }

    [Theory]
    [InlineData("title", 200)]
    [InlineData("location", 200)]
    [InlineData("description", 4000)]
    public async Task Text_at_its_maximum_length_is_accepted(string field, int length)
    {
        var text = new string('x', length);

        var logged = await factory.LogIncidentAsync(client, change: body => body[field] = text);

        var incident = await GetIncidentAsync(client, logged.Id);
        var stored = field switch { "title" => incident.Title, "location" => incident.Location, _ => incident.Description };
        Assert.Equal(text, stored);
    }

    [Theory]
    [InlineData("title", 201)]
    [InlineData("location", 201)]
    [InlineData("description", 4001)]
    public async Task Text_over_its_maximum_length_is_a_400(string field, int length)
    {
        await AssertRejectedAsync(body => body[field] = new string('x', length), field);
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_reported_at_once()
    {
        await AssertRejectedAsync(
            body =>
            {
                body.Remove("title");
                body["oblast"] = "Atlantis";
                body["killed"] = -5;
                body["latitude"] = 60.0;
            },
            "title", "oblast", "killed", "latitude");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_problem_and_stores_nothing()
    {
        var before = await TotalAsync();
        using var content = new StringContent("{ \"title\": ", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/incidents", content, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await TotalAsync());
    }

    [Fact]
    public async Task Oblast_names_are_matched_case_insensitively_and_stored_canonically()
    {
        var logged = await factory.LogIncidentAsync(client, change: body => body["oblast"] = " kyiv city ");

        Assert.Equal("Kyiv City", logged.Oblast);
    }

    [Fact]
    public async Task Coordinates_and_casualties_are_optional()
    {
        var logged = await factory.LogIncidentAsync(client, change: body =>
        {
            body.Remove("latitude");
            body.Remove("longitude");
            body.Remove("killed");
            body.Remove("wounded");
            body.Remove("description");
        });

        Assert.Null(logged.Latitude);
        Assert.Null(logged.Longitude);
        Assert.Null(logged.Killed);
        Assert.Null(logged.Wounded);
        Assert.Equal(string.Empty, logged.Description);
    }
}
