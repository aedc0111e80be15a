using CeasefireWatch.Web.Pages.Dashboard;
using Mediator;

namespace CeasefireWatch.Web.Pages;

/// <summary>Wall mode: the dashboard in large type for an operations room, kept live indefinitely.</summary>
public sealed class WallModel(IMediator mediator) : DashboardPageModel(mediator);
