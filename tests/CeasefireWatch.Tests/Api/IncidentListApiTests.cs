using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using static CeasefireWatch.Tests.Infrastructure.CeasefireWatchFactory;
using static CeasefireWatch.Tests.Infrastructure.Problems;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// Five known incidents, logged once for the class, the clock never moved. Newest first violation first:
/// <code>
/// A  Zaporizhzhia  T0 = now-1h   Active    UkrainianForces
/// D  Kharkiv       T0 = now-2h   Resolved  UkrainianForces
/// B  Kharkiv       T0 = now-30h  Active    Coalition
/// E  Kyiv City     T0 = now-50h  Resolved  Coalition
/// C  Donetsk       T0 = now-80h  Active    UsBackstop
/// </code>
/// </summary>
public sealed class IncidentListFixture : IAsyncLifetime
{
    public CeasefireWatchFactory Factory { get; } = new();

    public Dictionary<char, int> Ids { get; } = [];

    public async ValueTask InitializeAsync()
    {
        var client = Factory.CreateApiClient();
        var now = Factory.Now;
        foreach (var (letter, oblast, hoursAgo, resolve) in new[]
        {
            ('A', "Zaporizhzhia", 1, false),
            ('B', "Kharkiv", 30, false),
            ('C', "Donetsk", 80, false),
            ('D', "Kharkiv", 2, true),
            ('E', "Kyiv City", 50, true),
        })
        {
            var incident = await Factory.LogIncidentAsync(client, now.AddHours(-hoursAgo), body => body["oblast"] = oblast);
            Ids[letter] = incident.Id;
            if (resolve)
            {
                using var response = await client.PostAsync(
                    $"/api/incidents/{incident.Id}/resolve", content: null, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary><c>GET /api/incidents</c>: every filter, paging, and every bad filter.</summary>
public sealed partial class IncidentListApiTests(IncidentListFixture data) : IClassFixture<IncidentListFixture>
{
    private readonly HttpClient client = data.Factory.CreateApiClient();

    /// <summary>Replaces <c>{-31h}</c> with the ISO time 31 hours before the fixture's now, URL-encoded.</summary>
    private string Expand(string query) =>
        Offset().Replace(query, m =>
        {
            var instant = data.Factory.Now.AddHours(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            var text = m.Groups[2].Success
                ? instant.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
                : Iso(instant);
            return Uri.EscapeDataString(text);
        });

    private IEnumerable<int> IdsOf(string letters) => letters.Select(l => data.Ids[l]);

    [GeneratedRegex(@"\{([+-]\d+)h(\+02)?\}")]
    private static partial Regex Offset();

    [Fact]
    public async Task Without_filters_every_incident_is_listed_newest_first_violation_first()
    {
        var page = await ListIncidentsAsync(client);

        Assert.Equal(5, page.Total);
        Assert.Equal(IdsOf("ADBEC"), page.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData("status=Active", "ABC")]
    [InlineData("status=Resolved", "DE")]
    [InlineData("status=resolved", "DE")]
    [InlineData("stage=UkrainianForces", "AD")]
    [InlineData("stage=Coalition", "BE")]
    [InlineData("stage=usbackstop", "C")]
    [InlineData("oblast=Kharkiv", "DB")]
    [InlineData("oblast=kharkiv", "DB")]
    [InlineData("oblast=KYIV%20CITY", "E")]
    [InlineData("oblast=Zaporizhzhia", "A")]
    [InlineData("oblast=Lviv", "")]
    [InlineData("from={-31h}", "ADB")]
    [InlineData("from={-30h}", "ADB")]
    [InlineData("from={-30h+02}", "ADB")]
    [InlineData("to={-30h}", "BEC")]
    [InlineData("to={-31h}", "EC")]
    [InlineData("from={-50h}&to={-2h}", "DBE")]
    [InlineData("from={-2h}&to={-2h}", "D")]
    [InlineData("status=Active&oblast=Kharkiv", "B")]
    [InlineData("status=Resolved&stage=Coalition", "E")]
    [InlineData("stage=Coalition&from={-40h}", "B")]
    [InlineData("status=&stage=&oblast=", "ADBEC")]
    public async Task Each_filter_narrows_the_list_and_the_total(string query, string expected)
    {
        var page = await ListIncidentsAsync(client, Expand(query));

        Assert.Equal(expected.Length, page.Total);
        Assert.Equal(IdsOf(expected), page.Items.Select(i => i.Id));
    }

    [Theory]
    [InlineData(1, "AD")]
    [InlineData(2, "BE")]
    [InlineData(3, "C")]
    [InlineData(4, "")]
    public async Task Pages_split_the_list_and_keep_the_total(int number, string expected)
    {
        var page = await ListIncidentsAsync(client, $"page={number}&pageSize=2");

        Assert.Equal(5, page.Total);
        Assert.Equal(IdsOf(expected), page.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task Paging_applies_after_the_filters()
    {
        var page = await ListIncidentsAsync(client, "status=Active&page=2&pageSize=2");

        Assert.Equal(3, page.Total);
        Assert.Equal(IdsOf("C"), page.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task The_largest_page_size_is_accepted()
    {
        var page = await ListIncidentsAsync(client, "pageSize=200");

        Assert.Equal(5, page.Items.Count);
    }

    [Fact]
    public async Task List_items_carry_the_incident_fields()
    {
        var page = await ListIncidentsAsync(client, "oblast=Donetsk");

        var c = Assert.Single(page.Items);
        Assert.Equal(data.Ids['C'], c.Id);
        Assert.Equal(Web.Domain.Stage.UsBackstop, c.Stage);
        Assert.Equal(Web.Domain.IncidentStatus.Active, c.Status);
        Assert.Equal("Donetsk", c.Oblast);
        Assert.Equal(data.Factory.Now.UtcDateTime.AddHours(-80), c.OccurredAt);
        Assert.Null(c.NextStageAt);
        Assert.Null(c.Timeline);
    }

    [Theory]
    [InlineData("status=Open", "status")]
    [InlineData("status=0", "status")]
    [InlineData("status=1", "status")]
    [InlineData("stage=Tier2", "stage")]
    [InlineData("stage=2", "stage")]
    [InlineData("stage=-1", "stage")]
    [InlineData("oblast=Atlantis", "oblast")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("from={-2h}&to={-3h}", "to")]
    [InlineData("stage=Nope&oblast=Atlantis&pageSize=0", "stage", "oblast", "pageSize")]
    [InlineData("stage=UkrainianForces,Coalition", "stage")]
    [InlineData("status=Active,Resolved", "status")]
    [InlineData("stage=%2B1", "stage")]
    [InlineData("stage=%2B3", "stage")]
    [InlineData("status=%2B1", "status")]
    [InlineData("page=10737419&pageSize=200", "page")]
    [InlineData("from=2026-02-04T05:00:00", "from")]
    [InlineData("to=2026-02-04", "to")]
    public async Task A_bad_filter_is_a_400_keyed_by_the_parameter(string query, params string[] fields)
    {
        using var response = await client.GetAsync($"/api/incidents?{Expand(query)}", TestContext.Current.CancellationToken);

        await AssertValidationProblemAsync(response, fields);
    }

    [Theory]
    [InlineData("from=yesterday")]
    [InlineData("page=first")]
    [InlineData("pageSize=1e3")]
    public async Task A_filter_that_cannot_be_read_is_a_400_problem(string query)
    {
        using var response = await client.GetAsync($"/api/incidents?{query}", TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
