using CeasefireWatch.Web.Features.Dashboard;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CeasefireWatch.Web.Api;

internal static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/stats", GetStatsAsync).WithName("GetStats")
            .WithTags("Dashboard").WithSummary("Counts per stage: active by stage, resolved by highest stage reached")
            .WithDescription("Imported incidents count like any other: a resolved import by the highest tier its replay reached.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return api;
    }

    /// <summary>Active incidents by their stage, resolved ones by the highest stage they reached; every stage present.</summary>
    public static async Task<Ok<GetStats.Stats>> GetStatsAsync(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetStats.Query(), ct));
}
