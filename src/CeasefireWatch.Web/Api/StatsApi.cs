using CeasefireWatch.Web.Features.Dashboard;
using Mediator;

namespace CeasefireWatch.Web.Api;

internal static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/stats", async (IMediator mediator, CancellationToken ct) =>
            TypedResults.Ok(await mediator.Send(new GetStats.Query(), ct)))
            .WithTags("Dashboard").WithSummary("Counts per stage: active by stage, resolved by highest stage reached");
        return api;
    }
}
