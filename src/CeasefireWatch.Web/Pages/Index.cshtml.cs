using CeasefireWatch.Web.Features.Dashboard;
using Mediator;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>The dashboard: where incidents stand, most urgent first; kept live by push.</summary>
public sealed class IndexModel(IMediator mediator) : PageModel
{
    public GetDashboard.Model Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Dashboard = await mediator.Send(new GetDashboard.Query(), ct);
}
