using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CeasefireWatch.Tests.Infrastructure;

/// <summary>Posting files to <c>POST /api/imports</c> and reading its answers.</summary>
public static class Imports
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The columns of a real ACLED export, in its order.</summary>
    public const string AcledHeader =
        "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1," +
        "actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location," +
        "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp\r\n";

    /// <summary>One line of an ACLED export under <see cref="AcledHeader"/>.</summary>
    public static string Acled(string id, string date, string eventType, string subEventType, string admin1, string location,
        string latitude, string longitude, string notes, string fatalities) =>
        Line(id, date, date[..4], "1", "Political violence", eventType, subEventType, "Military Forces of Russia (2000-)", null, "8",
            "Military Forces of Ukraine (2019-)", null, "1", "18", null, "804", "Europe", "Ukraine", admin1, null, null, location,
            latitude, longitude, "1", "Ministry of Defence of Ukraine", "National", notes, fatalities, null, "1700000000");

    public static MultipartFormDataContent Form(byte[] csv, string fileName = "incidents.csv")
    {
        var file = new ByteArrayContent(csv);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string csv, bool dryRun = false) =>
        PostAsync(client, Encoding.UTF8.GetBytes(csv), dryRun);

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] csv, bool dryRun = false)
    {
        using var form = Form(csv);
        return await client.PostAsync(dryRun ? "/api/imports?dryRun=true" : "/api/imports", form, Ct);
    }

    /// <summary>Asserts a 200 and returns its JSON body.</summary>
    public static async Task<JsonElement> AssertImportedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 but got {(int)response.StatusCode}: {text[..Math.Min(text.Length, 4000)]}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }

    /// <summary>Asserts a 400 naming bad lines and returns them as (line, column, reason).</summary>
    public static async Task<List<(long Line, string Column, string Reason)>> AssertRejectedAsync(HttpResponseMessage response)
    {
        var body = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(body.GetProperty("errors").GetProperty("file").GetArrayLength() > 0, body.ToString());
        return [.. body.GetProperty("lines").EnumerateArray().Select(l =>
            (l.GetProperty("line").GetInt64(), l.GetProperty("column").GetString()!, l.GetProperty("reason").GetString()!))];
    }

    /// <summary>An RFC 4180 field.</summary>
    public static string Field(string? value) =>
        value is null ? string.Empty
        : value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    public static string Line(params string?[] values) => string.Join(',', values.Select(Field)) + "\r\n";
}
