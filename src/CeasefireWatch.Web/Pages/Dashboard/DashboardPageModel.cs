using CeasefireWatch.Web.Features.Dashboard;
using Mediator;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Dashboard;

/// <summary>What the dashboard and the wall both show; they differ only in layout.</summary>
public abstract class DashboardPageModel(IMediator mediator) : PageModel
{
    public GetDashboard.Model Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Dashboard = await mediator.Send(new GetDashboard.Query(), ct);
}
