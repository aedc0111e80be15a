using CeasefireWatch.Web.Features.Dashboard;
using Mediator;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>Wall mode: the dashboard in large type for an operations room, kept live indefinitely.</summary>
public sealed class WallModel(IMediator mediator) : PageModel
{
    public GetDashboard.Model Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Dashboard = await mediator.Send(new GetDashboard.Query(), ct);
}
