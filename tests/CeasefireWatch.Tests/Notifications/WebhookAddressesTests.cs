using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Features.Notifications;

namespace CeasefireWatch.Tests.Notifications;

/// <summary>
/// A webhook is the server calling a URL a Supervisor typed: it never connects to a link-local address (where cloud
/// hosts serve instance metadata and credentials) and never follows a redirect; loopback and private receivers work.
/// </summary>
public sealed class WebhookAddressesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::a00:27ff:fe4e:66a1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.0.10", false)]
    [InlineData("172.17.0.1", false)]
    [InlineData("169.255.0.1", false)]
    [InlineData("168.254.0.1", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2001:db8::1", false)]
    public void Only_link_local_addresses_are_refused(string address, bool refused) =>
        Assert.Equal(refused, WebhookAddresses.IsRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/hook")]
    public async Task The_webhook_handler_refuses_a_link_local_target_before_connecting(string target)
    {
        using var client = new HttpClient(WebhookAddresses.CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) };

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(target, new StringContent("{}"), Ct));

        Assert.Contains("link-local", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhook_handler_reaches_a_loopback_receiver_and_does_not_follow_its_redirect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = new HttpClient(WebhookAddresses.CreateHandler());

        using (var moved = await client.PostAsync(receiver.RedirectingUrl, new StringContent("{}"), Ct))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, moved.StatusCode);
            Assert.Empty(receiver.Received);
        }

        using var delivered = await client.PostAsync(receiver.Url, new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Single(receiver.Received);
    }
}
