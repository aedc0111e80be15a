using CeasefireWatch.Web.Features.Dashboard;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>The dashboard: active incidents, most urgent deadline first, with counts per tier.</summary>
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public GetDashboard.Model Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Dashboard = await mediator.Send(new GetDashboard.Query(), ct);

    /// <summary>The live part of the page alone, fetched again when something changes.</summary>
    public async Task<PartialViewResult> OnGetLiveAsync(CancellationToken ct) =>
        Partial("_DashboardLive", await mediator.Send(new GetDashboard.Query(), ct));
}
