// The LibTorch from Debian's libtorch-dev builds, links and computes on this machine's CPU.
#include <gtest/gtest.h>
#include <torch/torch.h>

TEST(TorchRuntime, LinearLayerComputesTheExpectedProduct) {
  torch::manual_seed(7);
  torch::nn::Linear sut(3, 1);
  torch::NoGradGuard no_grad;
  sut->weight.copy_(torch::tensor({{1.0F, 2.0F, 3.0F}}));
  sut->bias.fill_(0.5F);
  const auto output = sut(torch::tensor({{1.0F, 1.0F, 1.0F}}));
  EXPECT_FLOAT_EQ(output.item<float>(), 6.5F);
}
