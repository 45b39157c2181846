// DenseNetwork: the plain C++ path for mlp models gives hand-computed outputs, and layers that do
// not chain are refused naming the layer.
#include "infer/dense_network.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rrr::infer {
namespace {

DenseNetwork::Layer layer(std::size_t inputs, std::size_t outputs, std::vector<float> weight, std::vector<float> bias, bool relu) {
  return DenseNetwork::Layer{inputs, outputs, std::move(weight), std::move(bias), relu};
}

TEST(DenseNetwork, ComputesLayersWithReluBetweenThem) {
  // h = relu([[1, -2], [0.5, 3]] x + [0.5, -1]); y = [2, -1] h + 0.25
  const DenseNetwork net({layer(2, 2, {1, -2, 0.5, 3}, {0.5, -1}, true), layer(2, 1, {2, -1}, {0.25}, false)});
  EXPECT_EQ(net.inputs(), 2u);
  // x = (1, 1): h = relu(-0.5, 2.5) = (0, 2.5); y = -2.5 + 0.25
  EXPECT_DOUBLE_EQ(net.forward(std::vector<float>{1, 1}), -2.25);
  // x = (2, -1): h = relu(4.5, -3) = (4.5, 0); y = 9 + 0.25
  EXPECT_DOUBLE_EQ(net.forward(std::vector<float>{2, -1}), 9.25);
  // The last layer has no ReLU: negative outputs pass.
  EXPECT_DOUBLE_EQ(net.forward(std::vector<float>{0, 0}), 2 * 0.5 + 0.25);
}

TEST(DenseNetwork, RefusesLayersThatDoNotChain) {
  const auto message = [](std::vector<DenseNetwork::Layer> layers) {
    try {
      DenseNetwork net(std::move(layers));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message({}), "a dense network needs at least one layer");
  EXPECT_EQ(message({layer(2, 3, {1, 2, 3, 4, 5, 6}, {0, 0, 0}, true), layer(2, 1, {1, 1}, {0}, false)}),
            "layer 1: 2 inputs after a layer of 3 outputs");
  EXPECT_EQ(message({layer(2, 1, {1}, {0}, false)}), "layer 0: weights do not match 1 x 2");
  EXPECT_EQ(message({layer(1, 2, {1, 1}, {0, 0}, false)}), "the last layer has 2 outputs, not 1");
}

TEST(DenseNetwork, RefusesARowOfTheWrongWidth) {
  const DenseNetwork net({layer(2, 1, {1, 1}, {0}, false)});
  EXPECT_THROW((void)net.forward(std::vector<float>{1, 2, 3}), std::invalid_argument);
}

}  // namespace
}  // namespace rrr::infer
