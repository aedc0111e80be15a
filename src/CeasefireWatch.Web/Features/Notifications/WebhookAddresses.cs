using System.Net;
using System.Net.Sockets;

namespace CeasefireWatch.Web.Features.Notifications;

/// <summary>
/// Where a webhook may connect. A webhook is the server calling a URL a Supervisor typed, so the URL must not reach what
/// only the server can: link-local addresses (169.254.0.0/16, fe80::/10), where cloud hosts serve instance metadata and
/// credentials (169.254.169.254). Checked on the addresses a connection actually goes to, after name resolution, so a
/// name that resolves there (or is made to, later) is refused as well. Loopback and private networks stay allowed: a
/// receiver on the same machine or the organisation's own network is a real use, and CONTRACT.md takes any http(s) URL.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>Whether a webhook never connects to <paramref name="address"/>.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? address.GetAddressBytes() is [169, 254, _, _]
            : address.IsIPv6LinkLocal;
    }

    /// <summary>Whether <paramref name="target"/> names a refused address literally (a rule is refused when it is made).</summary>
    public static bool IsRefusedLiteral(string? target) =>
        Uri.TryCreate(target?.Trim(), UriKind.Absolute, out var uri)
        && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && IPAddress.TryParse(uri.DnsSafeHost, out var address)
        && IsRefused(address);

    /// <summary>
    /// The webhook client's own network handler: it connects only to allowed addresses and does not follow redirects (a
    /// redirect is an answer but 2xx, retried as CONTRACT.md says, and following one would let a receiver send the
    /// server anywhere).
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        ConnectCallback = ConnectAsync,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => !IsRefused(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(
                $"{host} has only link-local addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}): webhooks never connect to one (cloud instance metadata lives there).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
