using CeasefireWatch.Web.Features.Export;
using Mediator;

namespace CeasefireWatch.Web.Api;

/// <summary>Timeline exports as CSV, streamed row by row (CONTRACT.md).</summary>
internal static class ExportApi
{
    public static RouteGroupBuilder MapExportApi(this RouteGroupBuilder api)
    {
        api.MapGet("/incidents/{id:int}/timeline.csv", (int id, HttpContext http, IMediator mediator, TimeProvider clock) =>
            WriteCsvAsync(http, mediator.CreateStream(new ExportTimelines.Query(IncidentId: id), http.RequestAborted),
                TimelineCsv.FileName($"incident-{id}", clock.GetUtcNow().UtcDateTime)))
            .WithTags("Export").WithSummary("One incident's timeline as CSV");

        api.MapGet("/timeline.csv", ([AsParameters] ExportTimelines.Query query, HttpContext http, IMediator mediator, TimeProvider clock) =>
            WriteCsvAsync(http, mediator.CreateStream(query with { IncidentId = null }, http.RequestAborted),
                TimelineCsv.FileName("timelines", clock.GetUtcNow().UtcDateTime)))
            .WithTags("Export").WithSummary("Every matching incident's timeline as CSV, streamed");

        return api;
    }

    /// <summary>
    /// Reads the first row before anything is written, so a bad filter or a missing incident still gets a
    /// proper 400/404 problem instead of a half-sent file; then streams the rest.
    /// </summary>
    private static async Task WriteCsvAsync(HttpContext http, IAsyncEnumerable<TimelineCsvRow> rows, string fileName)
    {
        var enumerator = rows.GetAsyncEnumerator(http.RequestAborted);
        try
        {
            var hasFirst = await enumerator.MoveNextAsync();
            http.Response.ContentType = TimelineCsv.ContentType;
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            await TimelineCsv.WriteAsync(http.Response.Body, Continue(enumerator, hasFirst), http.RequestAborted);
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<TimelineCsvRow> Continue(IAsyncEnumerator<TimelineCsvRow> started, bool hasCurrent)
    {
        for (var more = hasCurrent; more; more = await started.MoveNextAsync())
        {
            yield return started.Current;
        }
    }
}
