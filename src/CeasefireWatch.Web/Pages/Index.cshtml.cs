using CeasefireWatch.Web.Pages.Dashboard;
using Mediator;

namespace CeasefireWatch.Web.Pages;

/// <summary>The dashboard: where incidents stand, most urgent first; kept live by push.</summary>
public sealed class IndexModel(IMediator mediator) : DashboardPageModel(mediator);
